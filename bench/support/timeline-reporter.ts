import type { LogLevel, NodeFinishedEvent, Reporter } from '../../src/reporter/reporter.js';

export interface TimedLog {
  readonly t: number;
  readonly level: LogLevel;
  readonly message: string;
}

export interface TimedNode {
  /** `performance.now()` when the node finished. */
  readonly t: number;
  readonly name: string;
  readonly kind: string;
  readonly status: string;
  readonly durationMs: number;
  readonly rowsAffected?: number;
}

/**
 * Prints nothing; keeps every log line and finished node with a `performance.now()` time, so a benchmark can cut a
 * run into phases (pipeline steps end with a `step <name>: …` log; a build starts with `Running N step(s)`) and
 * attribute time to models and tests. Errors are kept for the failure message.
 */
export class TimelineReporter implements Reporter {
  readonly logs: TimedLog[] = [];
  readonly nodes: TimedNode[] = [];
  readonly errors: string[] = [];
  context(): void {}
  log(level: LogLevel, message: string): void {
    this.logs.push({ t: performance.now(), level, message });
    if (level === 'error') this.errors.push(message);
  }
  nodeStarted(): void {}
  nodeFinished(event: NodeFinishedEvent): void {
    this.nodes.push({
      t: performance.now(),
      name: event.name,
      kind: event.kind,
      status: event.status,
      durationMs: event.durationMs,
      ...(event.rowsAffected !== undefined ? { rowsAffected: event.rowsAffected } : {}),
    });
    if (event.status === 'error' || event.status === 'fail') this.errors.push(`${event.name}: ${event.message}`);
  }
  progress(): void {}
  result(): void {}
  close(): void {}

  /** Log lines matching `pattern` logged in [from, to). */
  logsMatching(pattern: RegExp, from = 0, to = Infinity): TimedLog[] {
    return this.logs.filter((l) => l.t >= from && l.t < to && pattern.test(l.message));
  }

  /** Nodes that finished in [from, to). */
  nodesBetween(from: number, to: number): TimedNode[] {
    return this.nodes.filter((n) => n.t >= from && n.t < to);
  }
}
