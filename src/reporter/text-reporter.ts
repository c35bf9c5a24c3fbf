import { redact } from './redaction.js';
import type { LogLevel, NodeEvent, NodeFinishedEvent, ProgressEvent, Reporter } from './reporter.js';

const COLORS = { green: '\x1b[32m', red: '\x1b[31m', yellow: '\x1b[33m', dim: '\x1b[2m', reset: '\x1b[0m' } as const;

/**
 * For people at a terminal: dbt-style lines `  3 of 12 OK created table marts.fct_revenue ... [1,204 rows in 0.42s]`,
 * warnings and errors in colour, and a one-line progress indicator for long work that is rewritten in place.
 */
export class TextReporter implements Reporter {
  private progressShown = false;
  private lastProgressAt = 0;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly err: NodeJS.WriteStream = process.stderr,
    private readonly quiet = false,
    private readonly color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  ) {}

  context(): void {}

  log(level: LogLevel, message: string): void {
    if (level === 'debug') return;
    if (this.quiet && level !== 'error') return;
    const prefix = level === 'error' ? this.paint('red', 'Error: ') : level === 'warn' ? this.paint('yellow', 'Warning: ') : '';
    this.write(level === 'error' ? this.err : this.out, `${prefix}${message}`);
  }

  nodeStarted(event: NodeEvent): void {
    if (this.quiet || !this.out.isTTY) return;
    this.clearProgress();
    this.out.write(this.paint('dim', `${counter(event)} START ${event.action} ${event.name} ...`) + '\r');
    this.progressShown = true;
  }

  nodeFinished(event: NodeFinishedEvent): void {
    const bad = event.status === 'error' || event.status === 'fail';
    if (this.quiet && !bad) return;
    const label = STATUS_LABEL[event.status];
    const painted = this.paint(bad ? 'red' : event.status === 'warn' || event.status === 'skipped' ? 'yellow' : 'green', label);
    const detail = [
      event.rowsAffected !== undefined && event.kind !== 'test' ? `${event.rowsAffected.toLocaleString('en-US')} rows` : undefined,
      event.failures ? `${event.failures.toLocaleString('en-US')} failing rows` : undefined,
      `${(event.durationMs / 1000).toFixed(2)}s`,
    ].filter(Boolean).join(', ');
    this.write(bad ? this.err : this.out, `${counter(event)} ${painted} ${event.action} ${event.name} ${this.paint('dim', `[${detail}]`)}`);
    if (bad && event.message) this.write(this.err, `    ${event.message}`);
  }

  progress(event: ProgressEvent): void {
    if (this.quiet || !this.out.isTTY) return;
    const now = Date.now();
    if (now - this.lastProgressAt < 100 && event.total !== event.done) return;
    this.lastProgressAt = now;
    const width = 24;
    const bar = event.total ? '█'.repeat(Math.round((event.done / event.total) * width)).padEnd(width, '░') : '';
    const amount = event.total ? `${fmt(event.done)}/${fmt(event.total)}` : fmt(event.done);
    this.out.write(`\x1b[2K\r${event.label} ${bar} ${amount}${event.unit ? ` ${event.unit}` : ''}`);
    this.progressShown = true;
    if (event.total !== undefined && event.done >= event.total) this.clearProgress();
  }

  result(text: string): void {
    this.write(this.out, text);
  }

  close(): void {
    this.clearProgress();
  }

  private write(stream: NodeJS.WriteStream, text: string): void {
    this.clearProgress();
    stream.write(`${redact(text)}\n`);
  }

  private clearProgress(): void {
    if (this.progressShown) {
      this.out.write('\x1b[2K\r');
      this.progressShown = false;
    }
  }

  private paint(color: keyof typeof COLORS, text: string): string {
    return this.color ? `${COLORS[color]}${text}${COLORS.reset}` : text;
  }
}

const STATUS_LABEL: Record<NodeFinishedEvent['status'], string> = {
  success: 'OK',
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  error: 'ERROR',
  skipped: 'SKIP',
};

function counter(event: NodeEvent): string {
  const width = String(event.total).length;
  return `${String(event.index).padStart(width)} of ${event.total}`;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
