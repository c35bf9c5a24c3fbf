import { createHash } from 'node:crypto';

/**
 * SSH host key pinning. A pin is either an OpenSSH SHA-256 fingerprint (`SHA256:` + unpadded base64, as printed by
 * `ssh-keygen -lf` and `ssh-keyscan | ssh-keygen -lf -`) or a whole public key line (`ssh-ed25519 AAAA… comment`,
 * e.g. a line of `known_hosts` without the host field, or the server's `*.pub` file).
 */

/** OpenSSH fingerprint of a public key blob (the SSH wire encoding): `SHA256:` + unpadded base64 of its SHA-256. */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The fingerprint a pin stands for; throws on something that is neither a fingerprint nor a public key. */
export function pinFingerprint(pin: string): string {
  const trimmed = pin.trim();
  if (/^SHA256:[A-Za-z0-9+/]{43}=?$/.test(trimmed)) return trimmed.replace(/=$/, '');
  // `[host]:port ssh-ed25519 AAAA…` (known_hosts), `ssh-ed25519 AAAA… comment`, or the bare base64 blob.
  const fields = trimmed.split(/\s+/);
  const typeIndex = fields.findIndex((f) => /^(ssh-|ecdsa-|sk-)/.test(f));
  const blob = typeIndex >= 0 ? fields[typeIndex + 1] : fields.length === 1 ? fields[0] : undefined;
  if (blob === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) {
    throw new Error(
      "a host key pin must be 'SHA256:<43 base64 characters>' or a public key line 'ssh-ed25519 AAAA…'",
    );
  }
  return sha256Fingerprint(Buffer.from(blob, 'base64'));
}

/** True when the fingerprint of `keyBlob` is one of `pinnedFingerprints`. */
export function hostKeyMatches(keyBlob: Buffer, pinnedFingerprints: readonly string[]): boolean {
  return pinnedFingerprints.includes(sha256Fingerprint(keyBlob));
}
