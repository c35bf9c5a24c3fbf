/**
 * The only code that prints. Commands and the engine emit events; a reporter renders them for a person (text on a
 * TTY, with progress), for a machine (JSON lines: Airflow, cron, log shippers) or not at all (`--quiet`).
 */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface NodeEvent {
  readonly index: number;
  readonly total: number;
  readonly nodeId: string;
  readonly kind: string;
  readonly name: string;
  readonly action: string;
}

export interface NodeFinishedEvent extends NodeEvent {
  readonly status: NodeStatus;
  readonly durationMs: number;
  readonly message: string;
  readonly rowsAffected?: number;
  readonly failures?: number;
}

export interface ProgressEvent {
  readonly label: string;
  readonly done: number;
  readonly total?: number;
  readonly unit?: string;
}

export interface Reporter {
  /** Sets context that every later JSON line carries (invocation id, step, command). */
  context(fields: Record<string, unknown>): void;
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  nodeStarted(event: NodeEvent): void;
  nodeFinished(event: NodeFinishedEvent): void;
  progress(event: ProgressEvent): void;
  /** Plain output a command was asked for (`ls`, `compile`, `--dry-run`, `stage ls`): always printed, even quiet. */
  result(text: string, data?: unknown): void;
  close(): void;
}
