/**
 * One root error for everything revrec raises on purpose. Subclasses carry where the problem is (file, line, node,
 * record) and what to do about it, so the reporter can print an actionable message and the CLI can pick an exit code.
 */
export interface ErrorLocation {
  /** Project-relative or remote file path / key. */
  file?: string;
  /** 1-based line (compile errors) or row number (data errors; the header is row 1). */
  line?: number;
  /** Stable node id, e.g. `model.revrec.stg_orders`. */
  node?: string;
  /** Business key of the record concerned. */
  record?: string;
}

export class RevrecError extends Error {
  override readonly name: string = 'RevrecError';
  readonly location: ErrorLocation;
  /** What the user should do next; printed after the message. */
  readonly hint: string | undefined;

  constructor(message: string, options: { location?: ErrorLocation; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.location = options.location ?? {};
    this.hint = options.hint;
  }

  /** `file:line (node) message — hint`, for terminals and logs. */
  describe(): string {
    const { file, line, node, record } = this.location;
    const where = [file && (line ? `${file}:${line}` : file), node, record && `record ${record}`]
      .filter(Boolean)
      .join(' ');
    return `${where ? `${where}: ` : ''}${this.message}${this.hint ? ` (${this.hint})` : ''}`;
  }
}

/** Bad project files or settings: exit code 2. */
export class ConfigError extends RevrecError {
  override readonly name = 'ConfigError';
}

/** Compilation failed; holds every error found, not just the first. Exit code 2. */
export class CompileError extends RevrecError {
  override readonly name = 'CompileError';
  constructor(readonly errors: RevrecError[]) {
    super(`${errors.length} compilation error${errors.length === 1 ? '' : 's'}:\n${errors.map((e) => `  - ${e.describe()}`).join('\n')}`);
  }
}

/** A model, seed or test failed in the warehouse. Exit code 1. */
export class ExecutionError extends RevrecError {
  override readonly name = 'ExecutionError';
}

/** Another process holds the warehouse. Exit code {@link EXIT_CODES.locked}. */
export class WarehouseLockedError extends RevrecError {
  override readonly name = 'WarehouseLockedError';
}

/** A source or destination (S3, SFTP, local) failed after its retries. */
export class TransferError extends RevrecError {
  override readonly name = 'TransferError';
}

/** Exit codes, dbt-compatible where dbt has one (0 ok, 1 failure, 2 usage/config); 3 is ours. */
export const EXIT_CODES = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** Another revrec process holds the warehouse (see `revrec` README, "Exit codes"). */
  locked: 3,
} as const;

/** The message of any thrown value, without assuming it is an Error. */
export function messageOf(error: unknown): string {
  if (error instanceof RevrecError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}
