/**
 * Two warehouses fed the same files: one builds incrementally after every file, the other rebuilds everything
 * (--full-refresh). `buildBoth` builds both and expects every model table identical row for row, and the
 * continuous export after the incremental build (comparing only the orders the builds since its last run rebuilt)
 * to send what comparing every record sends. Used by the incremental-equivalence tests.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { exportContinuous } from '../../../src/export/continuous-export.js';
import { DEFAULT_CONTINUOUS_SCHEDULE } from '../../../src/export/export-config.js';
import { EXPORT_TYPES } from '../../../src/export/export-types.js';
import type { DeliveredFile } from './scenario-files.js';
import { copyProject, SILENT_REPORTER, SqlLedger } from './sql-ledger.js';
import type { LedgerVars } from './sql-ledger.js';

/** What the incremental build's scope said, per build (int_build_scope). */
export interface BuildCounts {
  builds: number;
  /** builds that did not revalidate everything (full_recompute false) */
  narrow: number;
  /** builds whose models after staging replaced only a slice (full_rechain false) */
  slice: number;
}

async function tables(ledger: SqlLedger): Promise<string[]> {
  const rows = await ledger.rows<{ name: string }>(
    `SELECT schema_name || '.' || table_name AS name FROM duckdb_tables()
     WHERE database_name = current_database() AND schema_name IN ('staging', 'intermediate', 'marts', 'exports')
     ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

/** Every row of a table as sorted canonical strings (an order-free, exact comparison). */
async function contents(ledger: SqlLedger, table: string, exclude = ''): Promise<string[]> {
  const rows = await ledger.rows(`SELECT * ${exclude} FROM ${table}`);
  return rows.map((r) => JSON.stringify(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)))).sort();
}

/**
 * A continuous export into `folder`; `everything` makes it compare every record (as its first run does) instead of
 * only the orders the change log names. Returns per type what it sent.
 */
async function exportChanges(ledger: SqlLedger, folder: string, everything: boolean): Promise<Record<string, unknown>> {
  if (everything) await ledger.wh.run('DELETE FROM meta.change_log_marks');
  const outcome = await exportContinuous(ledger.wh, {
    job: { job: 'continuous', enabled: true, formats: ['csv'], destinations: [{ name: 'out', store: { kind: 'local', folder } }], schedule: DEFAULT_CONTINUOUS_SCHEDULE },
    clock: () => new Date(0),
    reporter: SILENT_REPORTER,
  });
  return Object.fromEntries(Object.entries(outcome.changes).map(([type, c]) => [type, { changed: c!.changed, zeroed: c!.zeroed, version: String(c!.version) }]));
}

export class TwinLedgers {
  readonly counts: BuildCounts = { builds: 0, narrow: 0, slice: 0 };

  private constructor(
    private readonly projectDir: string,
    readonly incremental: SqlLedger,
    readonly full: SqlLedger,
    private readonly cleanupProject: () => Promise<void>,
  ) {}

  /** A copy of the project and two fresh warehouses named after `name`. Close with {@link close}. */
  static async open(name: string, vars: LedgerVars): Promise<TwinLedgers> {
    const project = await copyProject();
    const incremental = await SqlLedger.open(project.dir, `incremental-${name}`, vars);
    const full = await SqlLedger.open(project.dir, `full-${name}`, vars);
    return new TwinLedgers(project.dir, incremental, full, project.cleanup);
  }

  async land(files: readonly DeliveredFile[]): Promise<void> {
    for (const ledger of [this.incremental, this.full]) await ledger.land(files);
  }

  async freeze(): Promise<void> {
    for (const ledger of [this.incremental, this.full]) await ledger.freeze();
  }

  /** Builds both warehouses and expects the same tables and the same continuous export (see the module comment). */
  async buildBoth(what: string): Promise<void> {
    const { incremental, full } = this;
    expect(await incremental.build(), `${what}: incremental build`).toEqual([]);
    const [scope] = await incremental.rows<{ full_recompute: boolean; full_rechain: boolean }>(
      'SELECT full_recompute, full_rechain FROM intermediate.int_build_scope',
    );
    if (scope && !scope.full_recompute) this.counts.narrow++;
    if (scope && !scope.full_rechain) this.counts.slice++;
    expect(await full.build(true), `${what}: full build`).toEqual([]);
    this.counts.builds++;
    const names = await tables(incremental);
    expect(names).toEqual(await tables(full));
    for (const table of names) {
      const [a, b] = [await contents(incremental, table), await contents(full, table)];
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        const onlyIncremental = a.filter((x) => !b.includes(x)).slice(0, 3);
        const onlyFull = b.filter((x) => !a.includes(x)).slice(0, 3);
        expect({ table, what, onlyIncremental, onlyFull }).toEqual({ table, what, onlyIncremental: [], onlyFull: [] });
      }
    }
    // The continuous export after the incremental build compares only the orders it rebuilt (the change log);
    // it must send exactly what comparing every record sends.
    const sent = await exportChanges(incremental, join(this.projectDir, 'outbox-incremental'), false);
    expect(sent, `${what}: continuous export`).toEqual(await exportChanges(full, join(this.projectDir, 'outbox-full'), true));
    for (const type of EXPORT_TYPES.filter((t) => t.model)) {
      const table = `meta.continuous_sent_${type.name}`;
      expect(await contents(incremental, table, 'EXCLUDE (_export_id)'), `${what}: ${table}`).toEqual(await contents(full, table, 'EXCLUDE (_export_id)'));
    }
  }

  async close(): Promise<void> {
    await this.incremental.close();
    await this.full.close();
    await this.cleanupProject();
  }
}
