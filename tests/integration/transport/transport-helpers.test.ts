import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { TransferError } from '../../../src/errors.js';
import { hostKeyMatches, pinFingerprint, sha256Fingerprint } from '../../../src/transport/host-key.js';
import { localPathForKey, unsafeKeyReason } from '../../../src/transport/key-path.js';
import { createKeySelector, isInFlightTemporary } from '../../../src/transport/key-selector.js';
import { backoffDelayMs, TransientFault, withRetry } from '../../../src/transport/retry.js';
import { classifyS3Fault } from '../../../src/transport/s3-fault.js';
import { normalizePrefix } from '../../../src/transport/s3-store.js';
import { redact, sanitizeCause } from '../../../src/transport/secret-redaction.js';
import { classifySftpFault } from '../../../src/transport/sftp-fault.js';

// Pure helpers of src/transport (no server); they live here with the transport suite they support.

describe('key paths', () => {
  it.each([
    ['orders.csv', undefined],
    ['in/2024/orders.csv', undefined],
    ['a..b.csv', undefined],
    ['..', "it contains a '..' segment"],
    ['../x', "it contains a '..' segment"],
    ['a/../../x', "it contains a '..' segment"],
    ['/etc/passwd', 'it is an absolute path'],
    ['C:/x', 'it is an absolute path'],
    ['a\\..\\x', 'it contains a backslash'],
    ['a/./b', "it contains a '.' segment"],
    ['a//b', 'it contains an empty segment (// or a trailing /)'],
    ['a/', 'it contains an empty segment (// or a trailing /)'],
    ['', 'it is empty'],
    ['a\0b', 'it contains a NUL byte'],
  ])('%j → %s', (key, reason) => {
    expect(unsafeKeyReason(key)).toBe(reason);
  });

  it('maps safe keys under the root and refuses the others with a TransferError', () => {
    expect(localPathForKey('/data/in', 'sub/orders.csv')).toBe(path.join('/data/in', 'sub', 'orders.csv'));
    expect(() => localPathForKey('/data/in', '../../etc/passwd', 's3://b/')).toThrow(TransferError);
    expect(() => localPathForKey('/data/in', '../../etc/passwd', 's3://b/')).toThrow(/s3:\/\/b\/: refusing key '..\/..\/etc\/passwd'/);
  });

  it('normalizes S3 prefixes to folders', () => {
    expect(['', '/', 'in', '/in/', 'in//', 'a/b'].map(normalizePrefix)).toEqual(['', '', 'in/', 'in/', 'in/', 'a/b/']);
  });
});

describe('key selection', () => {
  it('matches names and globs on the whole key and never selects in-flight temporaries', () => {
    const select = createKeySelector({ include: ['orders-*.csv', 'sub/**/*.csv', 'exact name.csv'], exclude: ['**/skip*'] });
    expect(['orders-1.csv', 'sub/orders-1.csv', 'sub/a/b.csv', 'exact name.csv', 'skip.csv', 'sub/skip-1.csv', 'x.csv'].filter(select)).toEqual([
      'orders-1.csv',
      'sub/orders-1.csv',
      'sub/a/b.csv',
      'exact name.csv',
    ]);
    expect(createKeySelector()('.x.csv.part-0123456789ab')).toBe(false);
    expect(isInFlightTemporary('a/.x.csv.part-0123456789ab')).toBe(true);
    expect(isInFlightTemporary('x.csv.part-0123456789ab')).toBe(false);
  });
});

describe('host keys', () => {
  // ssh-keygen -lf of this key prints SHA256:FDmN/XQhUXbGZ2bhDZ3bT7BRoK8H2F5dqLO38L3DhBc (checked against the real
  // sshd's key in sftp-store.test.ts as well).
  const line = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMVGhBxgmmMPnOyRRc4RFYpn0KWbX0ZI9Y3qiLh/a9cw comment';
  it('fingerprints a key blob and a pin the OpenSSH way', () => {
    const blob = Buffer.from(line.split(' ')[1]!, 'base64');
    const fingerprint = sha256Fingerprint(blob);
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(pinFingerprint(line)).toBe(fingerprint);
    expect(pinFingerprint(`[host]:2222 ${line}`)).toBe(fingerprint);
    expect(pinFingerprint(`${fingerprint}=`)).toBe(fingerprint);
    expect(hostKeyMatches(blob, [fingerprint])).toBe(true);
    expect(hostKeyMatches(blob, ['SHA256:' + 'A'.repeat(43)])).toBe(false);
    expect(() => pinFingerprint('md5:aa:bb')).toThrow(/SHA256/);
  });
});

describe('retry', () => {
  const transient = () => ({ transient: true, reason: 'flaky', hint: 'wait' });
  const permanent = () => ({ transient: false, reason: 'denied', hint: 'fix it' });

  it('backs off exponentially with jitter, capped', () => {
    for (let retry = 1; retry <= 8; retry++) {
      const ceiling = Math.min(1000, 100 * 2 ** (retry - 1));
      const delay = backoffDelayMs(retry, 100, 1000);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });

  it('retries transient faults and succeeds', async () => {
    let calls = 0;
    const result = await withRetry({ store: 's', action: 'list', classify: transient, secrets: [], options: { baseDelayMs: 1 } }, async () => {
      if (++calls < 3) throw new Error('ECONNRESET');
      return 'ok';
    });
    expect([result, calls]).toEqual(['ok', 3]);
  });

  it('stops at once on a permanent fault, and after the last try on transient ones, redacting secrets', async () => {
    let calls = 0;
    const secret = 'hunter2-very-secret';
    const permanentError = await withRetry({ store: 'sftp://u@h:22/', action: 'download', key: 'a.csv', classify: permanent, secrets: [secret] }, async () => {
      calls++;
      throw new Error(`bad ${secret}`);
    }).catch((e: unknown) => e as TransferError);
    expect(calls).toBe(1);
    expect(permanentError.message).toBe("sftp://u@h:22/: download of 'a.csv' failed: denied");
    expect(permanentError.hint).toBe('fix it');
    expect((permanentError.cause as Error).message).toBe('bad [redacted]');

    calls = 0;
    const exhausted = await withRetry({ store: 's', action: 'upload', key: 'b.csv', classify: permanent, secrets: [], options: { attempts: 3, baseDelayMs: 1 } }, async () => {
      calls++;
      throw new TransientFault('cut');
    }).catch((e: unknown) => e as TransferError);
    expect(calls).toBe(3);
    expect(exhausted.message).toBe("s: upload of 'b.csv' failed after 3 attempts: cut");
  });

  it('redacts secrets and PEM private keys from text and causes', () => {
    const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----';
    expect(redact(`x pw=s3cr3t ${pem} y`, ['s3cr3t'])).toBe('x pw=[redacted] [redacted] y');
    const cause = sanitizeCause(Object.assign(new Error('key s3cr3t'), { code: 'E1', $metadata: { httpStatusCode: 500 } }), ['s3cr3t']);
    expect([cause.message, cause.code, cause.httpStatusCode]).toEqual(['key [redacted]', 'E1', 500]);
  });
});

describe('fault classification', () => {
  const s3 = (name: string, status?: number) => classifyS3Fault(Object.assign(new Error('UnknownError'), { name, $metadata: { httpStatusCode: status } }));
  it('S3: throttling, 5xx and network errors are transient; auth, not-found and redirects are not', () => {
    expect(['SlowDown', 'InternalError', 'RequestTimeout'].map((n) => s3(n, 503).transient)).toEqual([true, true, true]);
    expect(s3('Whatever', 502).transient).toBe(true);
    expect(s3('TooManyRequests', 429).transient).toBe(true);
    expect(classifyS3Fault(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })).transient).toBe(true);
    expect(classifyS3Fault(Object.assign(new Error('timed out'), { name: 'TimeoutError' })).transient).toBe(true);
    for (const [name, status] of [['InvalidAccessKeyId', 403], ['SignatureDoesNotMatch', 403], ['AccessDenied', 403], ['NoSuchKey', 404], ['NoSuchBucket', 404], ['PermanentRedirect', 301]] as const) {
      expect(s3(name, status).transient, name).toBe(false);
    }
    expect(s3('InvalidAccessKeyId', 403).reason).toBe('S3 InvalidAccessKeyId (HTTP 403)');
  });

  it('SFTP: lost connections are transient; login, missing files and permissions are not', () => {
    const sftp = (message: string, extra: object = {}) => classifySftpFault(Object.assign(new Error(message), extra));
    expect(sftp('getConnection: All configured authentication methods failed', { level: 'client-authentication' }).transient).toBe(false);
    expect(sftp('_get: No such file', { code: 2 }).transient).toBe(false);
    expect(sftp('Permission denied', { code: 3 }).transient).toBe(false);
    expect(sftp('list: No SFTP connection available', { code: 'ERR_NOT_CONNECTED' }).transient).toBe(true);
    expect(sftp('No response from server').transient).toBe(true);
    expect(sftp('connect ECONNREFUSED 127.0.0.1:22', { code: 'ECONNREFUSED' }).transient).toBe(true);
    expect(sftp('Timed out while waiting for handshake').transient).toBe(true);
  });
});
