import { randomUUID } from 'node:crypto';
import { ConfigError } from '../errors.js';
import type { Reporter } from '../reporter/reporter.js';
import { didYouMean } from '../compile/suggest.js';
import { stateDatabase } from '../warehouse/kysely/state-database.js';
import { ensureStateTables } from '../warehouse/state-tables.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { readExtractSources } from './extract-config.js';
import type { ExtractSource } from './extract-config.js';
import { extractSource } from './extract-source.js';
import type { ExtractOptions, SourceOutcome } from './extract-source.js';
import type { ExtractDatabase } from './load-manifest.js';
// Both register what the warehouse needs before an extract (manifest tables, raw landing tables), also when this
// service is used without the CLI (the pipeline, tests).
import './load-manifest.js';
import './raw-table-initializer.js';
import { isDue } from './schedule.js';

export interface ExtractRequest {
  readonly sections: Readonly<Record<string, unknown>>;
  /** The project folder: relative local folders and key paths of sources resolve against it (default: the cwd). */
  readonly root?: string;
  readonly reporter: Reporter;
  readonly clock: () => Date;
  readonly source?: string;
  readonly ifDue?: boolean;
  readonly fullReload?: boolean;
  readonly invocationId?: string;
  readonly tempDir?: string;
  /** See {@link ExtractOptions.beforeCommit}: fault-injection tests only. */
  readonly beforeCommit?: ExtractOptions['beforeCommit'];
}

export interface ExtractOutcome {
  readonly sources: readonly SourceOutcome[];
  readonly skippedNotDue: readonly string[];
}

/**
 * `revrec extract`: every enabled source (or the one named), or with `ifDue` only those whose schedule says so.
 * Sources run one after another; a source that fails (listing refused after retries) does not stop the others.
 */
export async function runExtract(wh: Warehouse, request: ExtractRequest): Promise<ExtractOutcome> {
  await ensureStateTables(wh);
  const all = readExtractSources(request.sections, request.root === undefined ? {} : { root: request.root });
  let sources: ExtractSource[] = all.filter((s) => s.enabled);
  if (request.source) {
    const named = all.find((s) => s.name === request.source);
    if (!named) {
      throw new ConfigError(`no extract source named "${request.source}"`, {
        hint: didYouMean(request.source, all.map((s) => s.name)) ?? `sources: ${all.map((s) => s.name).join(', ') || 'none configured'}`,
      });
    }
    sources = [named];
  }
  const now = request.clock();
  const skippedNotDue: string[] = [];
  if (request.ifDue) {
    const last = await lastSuccessfulRuns(wh);
    sources = sources.filter((s) => {
      const due = isDue(s.schedule, last.get(s.name), now);
      if (!due) skippedNotDue.push(s.name);
      return due;
    });
  }
  const invocationId = request.invocationId ?? randomUUID();
  const outcomes: SourceOutcome[] = [];
  for (const source of sources) {
    request.reporter.log('info', `extract ${source.name} (${source.store.kind}, ${request.fullReload ? 'full_reload' : source.mode})`, { source: source.name });
    outcomes.push(
      await extractSource(wh, source, {
        invocationId,
        clock: request.clock,
        reporter: request.reporter,
        ...(request.fullReload ? { mode: 'full_reload' as const } : {}),
        ...(request.tempDir ? { tempDir: request.tempDir } : {}),
        ...(request.beforeCommit ? { beforeCommit: request.beforeCommit } : {}),
      }),
    );
  }
  return { sources: outcomes, skippedNotDue };
}

async function lastSuccessfulRuns(wh: Warehouse): Promise<Map<string, Date>> {
  const rows = await stateDatabase<ExtractDatabase>(wh)
    .selectFrom('meta.extract_runs')
    .select(['source'])
    .select((eb) => eb.fn.max('started_at').as('last'))
    .where('status', '=', 'success')
    .groupBy('source')
    .execute();
  // TIMESTAMP columns hold UTC wall time and come back as 'YYYY-MM-DD HH:MM:SS[.fff]'.
  return new Map(rows.map((r) => [r.source, new Date(`${String(r.last).replace(' ', 'T')}Z`)]));
}
