import { TransferError } from '../errors.js';
import type { RetryEvent, RetryOptions, TransferAction } from './remote-store.js';
import { redact, sanitizeCause } from './secret-redaction.js';

/** How a store judges one failure. */
export interface FaultVerdict {
  /** Worth another try (connection reset/refused, timeouts, throttling, 5xx, SFTP channel errors). */
  readonly transient: boolean;
  /** Short, secret-free description used in the final message, e.g. `S3 403 InvalidAccessKeyId`. */
  readonly reason: string;
  /** What the user should do; printed after the message. */
  readonly hint: string;
}

/** Everything {@link withRetry} needs to know about the operation it runs. */
export interface RetryContext {
  readonly store: string;
  readonly action: TransferAction;
  readonly key?: string;
  readonly options?: RetryOptions;
  readonly classify: (error: unknown) => FaultVerdict;
  /** Every secret the store holds, redacted from messages and causes. */
  readonly secrets: readonly string[];
  /** Runs after a failed attempt before the next one, e.g. to drop a broken SFTP session. Must not throw. */
  readonly afterFailure?: (error: unknown) => Promise<void>;
}

export const DEFAULT_RETRY = { attempts: 4, baseDelayMs: 250, maxDelayMs: 5000 } as const;

/**
 * A fault the store detected itself that is worth retrying, e.g. a stream that ended before the announced size
 * (a cut connection that the transport reported as a clean end).
 */
export class TransientFault extends Error {
  override readonly name = 'TransientFault';
}

/** Generic network failures every protocol can meet; all transient. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

/** True for errors (or their causes) with a transient network code, and for {@link TransientFault}. */
export function isTransientNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof TransientFault) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return true;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
    if (/\b(socket hang up|aborted|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE)\b/.test(e.message)) return true;
  }
  return false;
}

/** Back-off before retry number `retry` (1-based): exponential, capped, with equal jitter. */
export function backoffDelayMs(retry: number, baseDelayMs: number, maxDelayMs: number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * Runs `attempt` until it succeeds, a permanent fault happens, or the tries are used up; then throws a
 * {@link TransferError} naming the store, the action, the key and the (redacted) cause, with a hint.
 * A {@link TransferError} thrown by `attempt` (e.g. a refused key or host key) passes through unchanged.
 */
export async function withRetry<T>(context: RetryContext, attempt: (tryNumber: number) => Promise<T>): Promise<T> {
  const attempts = Math.max(1, Math.floor(context.options?.attempts ?? DEFAULT_RETRY.attempts));
  const baseDelayMs = context.options?.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const maxDelayMs = context.options?.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  for (let tryNumber = 1; ; tryNumber++) {
    try {
      return await attempt(tryNumber);
    } catch (error) {
      if (context.afterFailure) await context.afterFailure(error);
      if (error instanceof TransferError) throw error;
      const verdict: FaultVerdict =
        error instanceof TransientFault
          ? { transient: true, reason: error.message, hint: 'the connection may have dropped; check the network and try again' }
          : context.classify(error);
      if (!verdict.transient || tryNumber >= attempts) throw transferErrorFor(context, error, verdict, tryNumber);
      const delayMs = backoffDelayMs(tryNumber, baseDelayMs, maxDelayMs);
      const event: RetryEvent = {
        store: context.store,
        action: context.action,
        key: context.key,
        attempt: tryNumber,
        delayMs,
        reason: redact(verdict.reason, context.secrets),
      };
      context.options?.onRetry?.(event);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** The final error: `store: download of 'key' failed after 4 attempts: reason`. */
export function transferErrorFor(
  context: Pick<RetryContext, 'store' | 'action' | 'key' | 'secrets'>,
  error: unknown,
  verdict: FaultVerdict,
  tries: number,
): TransferError {
  const what = context.key === undefined ? context.action : `${context.action} of '${context.key}'`;
  const after = tries > 1 ? ` after ${tries} attempts` : verdict.transient ? ' (no retries configured)' : '';
  const message = `${context.store}: ${what} failed${after}: ${verdict.reason}`;
  return new TransferError(redact(message, context.secrets), {
    ...(context.key === undefined ? {} : { location: { file: context.key } }),
    hint: redact(verdict.hint, context.secrets),
    cause: sanitizeCause(error, context.secrets),
  });
}
