import { redact, redactDeep } from './redaction.js';
import type { LogLevel, NodeEvent, NodeFinishedEvent, ProgressEvent, Reporter } from './reporter.js';

/**
 * JSON lines for schedulers and log shippers: one object per line with `ts`, `level`, `event`, the context set by
 * the command (invocation id, command, step) and the event's fields. Progress is throttled to one line per second.
 */
export class JsonReporter implements Reporter {
  private fields: Record<string, unknown> = {};
  private lastProgress = new Map<string, number>();

  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly quiet = false,
    private readonly clock: () => Date = () => new Date(),
    /** When JSON was chosen automatically (stdout is not a terminal), requested output stays plain text for pipes. */
    private readonly plainResults = false,
  ) {}

  context(fields: Record<string, unknown>): void {
    this.fields = { ...this.fields, ...fields };
  }

  log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
    if (level === 'debug' || (this.quiet && level !== 'error')) return;
    this.emit(level, 'log', { message, ...fields });
  }

  nodeStarted(event: NodeEvent): void {
    if (this.quiet) return;
    this.emit('info', 'node_started', { ...event });
  }

  nodeFinished(event: NodeFinishedEvent): void {
    const bad = event.status === 'error' || event.status === 'fail';
    if (this.quiet && !bad) return;
    this.emit(bad ? 'error' : event.status === 'warn' ? 'warn' : 'info', 'node_finished', { ...event });
  }

  progress(event: ProgressEvent): void {
    if (this.quiet) return;
    const now = Date.now();
    const last = this.lastProgress.get(event.label) ?? 0;
    if (now - last < 1000 && event.done !== event.total) return;
    this.lastProgress.set(event.label, now);
    this.emit('info', 'progress', { ...event });
  }

  result(text: string, data?: unknown): void {
    if (this.plainResults) this.out.write(`${redact(text)}\n`);
    else this.emit('info', 'result', data === undefined ? { message: text } : { data });
  }

  close(): void {}

  private emit(level: LogLevel, event: string, payload: Record<string, unknown>): void {
    const line = { ts: this.clock().toISOString(), level, event, ...this.fields, ...redactDeep(payload) };
    this.out.write(`${redact(JSON.stringify(line))}\n`);
  }
}
