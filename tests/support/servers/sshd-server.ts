import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { sha256Fingerprint } from '../../../src/transport/host-key.js';
import { execFileAsync, freePort, startDaemon, tcpAnswers, waitUntil } from './daemon-process.js';
import type { Daemon } from './daemon-process.js';
import { createServerDir, removeServerDir, serverDirExists, sweepStale } from './server-dirs.js';
import { ensureTestPackages } from './test-packages.js';

/** Coordinates of a running test sshd; plain data, so vitest can `provide` it to test files. */
export interface SshdInfo {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** Unencrypted ed25519 key authorized for the user. */
  readonly privateKeyPath: string;
  /** The server's host key line, `ssh-ed25519 AAAA… comment`. */
  readonly hostPublicKey: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  readonly hostKeySha256: string;
  /**
   * Where the SFTP session starts (`internal-sftp -d`) and tests put files: a folder of this server's own inside the
   * user's home, so parallel test runs on one machine do not see each other's files.
   */
  readonly rootDir: string;
}

export interface SshdServer extends SshdInfo {
  /** Stops sshd and its sessions and removes its folders. */
  stop(): Promise<void>;
  /** SIGKILL to sshd and every session it forked (fault tests). */
  kill(): void;
}

const TEST_USER = 'revrec-sftp';
const STATE_DIR = '/var/lib/revrec-test';
const HOME = `${STATE_DIR}/sftp-home`;
const PASSWORD_FILE = `${STATE_DIR}/sftp-password`;

/**
 * Starts OpenSSH's sshd on 127.0.0.1 and a free port with a config, host key and client key of its own
 * (platform notes: `UsePAM no`, `internal-sftp`, `StrictModes no`, `/run/sshd`, a user made with useradd +
 * chpasswd). Needs root. Ready in about 0.1 s once openssh-server is installed.
 */
export async function startSshd(): Promise<SshdServer> {
  if (process.getuid?.() !== 0) throw new Error('startSshd needs root (useradd, chpasswd, sshd)');
  await ensureTestPackages();
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const password = await ensureTestUser();
  const { uid, gid } = await userIds(TEST_USER);

  const dir = await createServerDir('sshd');
  // sshd reads authorized_keys as the user: the folder must be traversable by it.
  await chmod(dir, 0o755);
  // Root dirs of runs that died without teardown: their /tmp folder was swept just now.
  await sweepStale(HOME, 'run-', async (d) => !serverDirExists('sshd', path.basename(d).slice('run-'.length)));
  const rootDir = path.join(HOME, `run-${path.basename(dir).slice('revrec-sshd-'.length)}`);
  let daemon: Daemon | undefined;
  try {
    await mkdir(rootDir, { recursive: true });
    await chown(rootDir, uid, gid);
    const hostKey = path.join(dir, 'ssh_host_ed25519_key');
    const clientKey = path.join(dir, 'client_ed25519');
    await Promise.all([
      execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'revrec-test-host', '-f', hostKey]),
      execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'revrec-test-client', '-f', clientKey]),
    ]);
    const hostPublicKey = (await readFile(`${hostKey}.pub`, 'utf8')).trim();
    const authorizedKeys = path.join(dir, 'authorized_keys');
    await writeFile(authorizedKeys, await readFile(`${clientKey}.pub`), { mode: 0o644 });

    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const config = path.join(dir, 'sshd_config');
      await writeFile(config, sshdConfig({ dir, port, hostKey, authorizedKeys, rootDir }));
      daemon = startDaemon('sshd', '/usr/sbin/sshd', ['-D', '-e', '-f', config]);
      try {
        await waitUntil(daemon, 'SSH banner', () => tcpAnswers('127.0.0.1', port, 'SSH-2.0-'), 10_000, 10);
      } catch (error) {
        // Another process may have taken the port between freePort() and bind(): try another one.
        if (attempt < 3 && /Bind to port|Address already in use/.test(daemon.output())) continue;
        throw error;
      }
      const running = daemon;
      return {
        host: '127.0.0.1',
        port,
        username: TEST_USER,
        password,
        privateKeyPath: clientKey,
        hostPublicKey,
        hostKeySha256: sha256Fingerprint(Buffer.from(hostPublicKey.split(/\s+/)[1] ?? '', 'base64')),
        rootDir,
        async stop() {
          await running.stop();
          await Promise.all([removeServerDir(dir), rm(rootDir, { recursive: true, force: true })]);
        },
        kill: () => running.kill(),
      };
    }
  } catch (error) {
    await daemon?.stop();
    await Promise.all([removeServerDir(dir), rm(rootDir, { recursive: true, force: true })]);
    throw error;
  }
}

function sshdConfig(o: { dir: string; port: number; hostKey: string; authorizedKeys: string; rootDir: string }): string {
  return [
    `ListenAddress 127.0.0.1`,
    `Port ${o.port}`,
    `HostKey ${o.hostKey}`,
    `PidFile ${path.join(o.dir, 'sshd.pid')}`,
    'UsePAM no',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    `AuthorizedKeysFile ${o.authorizedKeys}`,
    'PermitRootLogin no',
    `AllowUsers ${TEST_USER}`,
    'StrictModes no',
    'UseDNS no',
    'Subsystem sftp internal-sftp',
    `ForceCommand internal-sftp -d ${o.rootDir}`,
    'AllowTcpForwarding no',
    'X11Forwarding no',
    'PermitTTY no',
    'MaxStartups 100:30:200',
    'MaxAuthTries 3',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

/**
 * Creates the test user once (home under /var/lib/revrec-test, shell nologin: sftp only) with a random password
 * kept in a root-only file, so parallel runs share one stable password and nothing is hard-coded.
 */
async function ensureTestUser(): Promise<string> {
  // The user must traverse it to reach its home; the password file itself is root-only.
  await mkdir(STATE_DIR, { recursive: true });
  await chmod(STATE_DIR, 0o711);
  let password: string;
  let newPassword = false;
  try {
    password = randomBytes(18).toString('base64url');
    await writeFile(PASSWORD_FILE, password, { flag: 'wx', mode: 0o600 });
    newPassword = true;
  } catch {
    password = (await readFile(PASSWORD_FILE, 'utf8')).trim();
  }
  let created = false;
  if (!(await userExists(TEST_USER))) {
    try {
      await execFileAsync('useradd', ['-m', '-d', HOME, '-s', '/usr/sbin/nologin', '-c', 'revrec SFTP tests', TEST_USER]);
      created = true;
    } catch (error) {
      // 9: created meanwhile by a parallel run.
      if ((error as { code?: number }).code !== 9) throw error;
    }
  }
  if (created || newPassword) await setPassword(TEST_USER, password);
  return password;
}

async function userExists(user: string): Promise<boolean> {
  try {
    await execFileAsync('id', ['-u', user]);
    return true;
  } catch {
    return false;
  }
}

async function userIds(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', user]), execFileAsync('id', ['-g', user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** chpasswd, retried while a parallel run holds the passwd lock. A locked account is refused even for key login. */
async function setPassword(user: string, password: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await new Promise<void>((resolve, reject) => {
        const child = execFileAsync('chpasswd', []);
        child.child.stdin?.end(`${user}:${password}\n`);
        child.then(() => resolve(), reject);
      });
      return;
    } catch (error) {
      if (attempt >= 10) throw new Error(`chpasswd for ${user} failed: ${(error as { stderr?: string }).stderr ?? error}`);
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
