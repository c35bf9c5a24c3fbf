import type { FaultVerdict } from './retry.js';
import { isTransientNetworkError } from './retry.js';

/** SFTP status codes (draft-ietf-secsh-filexfer-02) as ssh2 reports them in `error.code`. */
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;
const SFTP_NO_CONNECTION = 6;
const SFTP_CONNECTION_LOST = 7;

/** Messages of ssh2 / ssh2-sftp-client that mean the session or channel broke, not the request. */
const TRANSIENT_MESSAGES =
  /No SFTP connection|Unexpected (end|close) event|Channel open failure|No response from server|Timed out while waiting for handshake|Keepalive timeout|Connection lost|connection closed|Not connected|ERR_NOT_CONNECTED/i;

const AUTH_HINT =
  'check username and password or private key (and its passphrase) in the source/destination settings; ' +
  'the server refused them, so retrying would not help';

/** Classifies an error thrown by ssh2 / ssh2-sftp-client (or the network under them). */
export function classifySftpFault(error: unknown): FaultVerdict {
  const e = (error ?? {}) as { message?: string; code?: unknown; level?: string };
  const message = (e.message ?? String(error)).replace(/^[a-zA-Z_]+(->|: )/, '');
  const code = e.code;
  const reason = `SFTP ${message}`;

  if (e.level === 'client-authentication' || code === 'ERR_BAD_AUTH' || /authentication methods failed/i.test(message)) {
    return { transient: false, reason: `SFTP login refused: ${message}`, hint: AUTH_HINT };
  }
  if (/privateKey|private key|passphrase|Unsupported key format/i.test(message)) {
    return {
      transient: false,
      reason: `SFTP private key unusable: ${message}`,
      hint: 'check privateKey/privateKeyPath (OpenSSH or PEM format) and passphrase',
    };
  }
  if (code === SFTP_NO_SUCH_FILE || code === 'ENOENT' || /No such file/i.test(message)) {
    return { transient: false, reason, hint: 'the remote file or folder does not exist; check the folder setting and the file name' };
  }
  if (code === SFTP_PERMISSION_DENIED || code === 'EACCES' || /Permission denied/i.test(message)) {
    return { transient: false, reason, hint: 'the SFTP user may not read/write there; ask the server admin for access' };
  }
  if (code === 'ENOTFOUND') {
    return { transient: false, reason, hint: 'the host name does not resolve; check the host setting' };
  }
  if (code === SFTP_NO_CONNECTION || code === SFTP_CONNECTION_LOST || TRANSIENT_MESSAGES.test(message)) {
    return { transient: true, reason, hint: 'the SFTP connection broke; check the network and the server, then try again' };
  }
  if (isTransientNetworkError(error)) {
    return { transient: true, reason, hint: 'check that the SFTP server is up and reachable (host, port, firewall), then try again' };
  }
  return { transient: false, reason, hint: 'see the cause; if it persists, check the SFTP settings and the server log' };
}
