import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { LogLevel, NodeEvent, NodeFinishedEvent, ProgressEvent, Reporter } from '../../../src/reporter/reporter.js';
import { runBuild } from '../../../src/run/invocation.js';
import type { BuildOutcome, BuildRequest } from '../../../src/run/invocation.js';
import type { NodeResult } from '../../../src/run/run-types.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';
import { createFixtureProject } from '../../support/fixture-project.js';
import type { FixtureOptions, FixtureProject, ProjectFiles } from '../../support/fixture-project.js';

/** A reporter that keeps every event, for assertions; prints nothing. */
export class RecordingReporter implements Reporter {
  readonly logs: { level: LogLevel; message: string }[] = [];
  readonly started: NodeEvent[] = [];
  readonly finished: NodeFinishedEvent[] = [];
  readonly results: { text: string; data?: unknown }[] = [];
  context(): void {}
  log(level: LogLevel, message: string): void {
    this.logs.push({ level, message });
  }
  nodeStarted(event: NodeEvent): void {
    this.started.push(event);
  }
  nodeFinished(event: NodeFinishedEvent): void {
    this.finished.push(event);
  }
  progress(_event: ProgressEvent): void {}
  result(text: string, data?: unknown): void {
    this.results.push({ text, data });
  }
  close(): void {}
}

/** A fixture project with its warehouse open (the same in-process instance `runBuild` uses). */
export interface EngineFixture {
  readonly project: FixtureProject;
  readonly wh: Warehouse;
  /** `runBuild` on the project with the open warehouse and an empty environment. */
  build(request: Partial<Omit<BuildRequest, 'projectDir' | 'reporter'>> & { command: BuildRequest['command'] }): Promise<BuildOutcome & { reporter: RecordingReporter; byName: Record<string, NodeResult> }>;
  /** Rows as exact JSON values (DECIMAL/BIGINT as strings). */
  rows<T extends Record<string, unknown> = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** A second connection on the same database, for readers running beside a build. */
  connect(): Promise<DuckDBConnection>;
  close(): Promise<void>;
}

export async function openEngineFixture(files: ProjectFiles, options: FixtureOptions = {}): Promise<EngineFixture> {
  const project = await createFixtureProject(files, options);
  const wh = await Warehouse.open({ path: 'warehouse.duckdb', threads: 1 }, { root: project.dir, command: 'vitest' });
  return {
    project,
    wh,
    async build(request) {
      const reporter = new RecordingReporter();
      const outcome = await runBuild({ projectDir: project.dir, reporter, env: {}, warehouse: wh, ...request });
      const byName: Record<string, NodeResult> = {};
      for (const r of outcome.result?.results ?? []) byName[outcome.graph.nodes[r.unique_id]!.name] = r;
      return { ...outcome, reporter, byName };
    },
    rows: (sql) => wh.rows(sql),
    connect: () => (wh.databaseKey as DuckDBInstance).connect(),
    async close() {
      wh.close();
      await project.cleanup();
    },
  };
}

/** `{name: status}` of a build, for compact assertions. */
export function statuses(byName: Record<string, NodeResult>): Record<string, string> {
  return Object.fromEntries(Object.entries(byName).map(([name, r]) => [name, r.status]));
}
