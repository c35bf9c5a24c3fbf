/**
 * Keeps secrets out of messages. Stores register every secret they were given (password, secret access key,
 * private key, passphrase) and pass every message they build from a foreign error through {@link redact}; causes
 * are replaced by {@link sanitizeCause} copies so that logging `error.cause` cannot leak what the original held
 * (an SDK error can carry request details).
 */

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
const REDACTED = '[redacted]';

/** `text` with every occurrence of each secret, and any PEM private key block, replaced by `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(PEM_BLOCK, REDACTED);
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** A redacted copy of an error: name, message, code and HTTP status only. */
export class SanitizedCause extends Error {
  override readonly name: string;
  readonly code: string | number | undefined;
  readonly httpStatusCode: number | undefined;

  constructor(name: string, message: string, code: string | number | undefined, httpStatusCode: number | undefined) {
    super(message);
    this.name = name;
    this.code = code;
    this.httpStatusCode = httpStatusCode;
    // The stack of the copy points here, not at the original; the original stack can quote arguments.
    this.stack = `${name}: ${message}`;
  }
}

/** {@link SanitizedCause} of any thrown value, with its message redacted. */
export function sanitizeCause(error: unknown, secrets: readonly string[]): SanitizedCause {
  if (error instanceof SanitizedCause) return error;
  if (error instanceof Error) {
    const record = error as Error & { code?: unknown; $metadata?: { httpStatusCode?: unknown } };
    const code = typeof record.code === 'string' || typeof record.code === 'number' ? record.code : undefined;
    const status = record.$metadata?.httpStatusCode;
    return new SanitizedCause(
      redact(error.name, secrets),
      redact(error.message, secrets),
      code,
      typeof status === 'number' ? status : undefined,
    );
  }
  return new SanitizedCause('Error', redact(String(error), secrets), undefined, undefined);
}
