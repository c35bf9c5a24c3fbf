import type { LogLevel, NodeFinishedEvent, Reporter } from '../../src/reporter/reporter.js';

/** Prints nothing; counts node outcomes so a benchmark can check that everything succeeded. */
export class SilentReporter implements Reporter {
  readonly statuses = new Map<string, number>();
  readonly errors: string[] = [];
  context(): void {}
  log(level: LogLevel, message: string): void {
    if (level === 'error') this.errors.push(message);
  }
  nodeStarted(): void {}
  nodeFinished(event: NodeFinishedEvent): void {
    this.statuses.set(event.status, (this.statuses.get(event.status) ?? 0) + 1);
    if (event.status === 'error') this.errors.push(`${event.name}: ${event.message}`);
  }
  progress(): void {}
  result(): void {}
  close(): void {}
}
