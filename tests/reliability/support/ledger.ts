import { RECORD_TYPE_NAMES } from '../../../src/extract/record-types.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';

/** A file as it was delivered: its key in the source and how many data rows (header excluded) it holds. */
export interface DeliveredFile {
  readonly key: string;
  readonly rows: number;
}

/** Where the delivered rows went, and whatever is wrong with that. */
export interface LedgerReport {
  readonly problems: readonly string[];
  /** Delivered rows missing from the raw tables (for the file's loaded version). Must be 0. */
  readonly lost: number;
  /** Rows landed more than once (a file's version holding more rows than delivered, the same content loaded twice, a row with two dispositions). Must be 0. */
  readonly doubled: number;
  /** Delivered rows checked. */
  readonly rows: number;
}

/** Opens a warehouse file read-only (no lock; the run that wrote it has ended). */
export async function openReadOnly(path: string): Promise<Warehouse> {
  return Warehouse.open({ path, threads: 1 }, { readOnly: true });
}

/** Rows per `_file` and `_version` over every raw table and `raw.rejected_rows`. */
async function rawCounts(wh: Warehouse): Promise<Map<string, number>> {
  const tables = [...RECORD_TYPE_NAMES, 'rejected_rows'];
  const present: string[] = [];
  for (const t of tables) if (await wh.relationExists('raw', t)) present.push(t);
  const counts = new Map<string, number>();
  if (present.length === 0) return counts;
  const rows = await wh.rows<{ f: string; v: string; n: string }>(
    `SELECT _file AS f, CAST(_version AS VARCHAR) AS v, CAST(count(*) AS VARCHAR) AS n FROM (${present.map((t) => `SELECT _file, _version FROM raw."${t}"`).join(' UNION ALL ')}) GROUP BY ALL`,
  );
  for (const r of rows) counts.set(`${r.f}\u0000${r.v}`, Number(r.n));
  return counts;
}

/**
 * Checks that every delivered row is in the warehouse exactly once: per delivered file, its latest `loaded` manifest
 * row's version holds exactly the delivered rows (raw tables + rejected rows); no content is loaded twice; and, once
 * the models are built, every raw row has exactly one disposition in `marts.fct_input_row_dispositions`, none
 * `unaccounted`.
 */
export async function checkLedger(wh: Warehouse, delivered: readonly DeliveredFile[], options: { dispositions?: boolean } = {}): Promise<LedgerReport> {
  const problems: string[] = [];
  let lost = 0;
  let doubled = 0;
  const manifest = await wh.rows<{ version: string; file_key: string; status: string; sha256: string | null }>(
    'SELECT CAST(version AS VARCHAR) AS version, file_key, status, sha256 FROM meta.load_manifest ORDER BY version',
  );
  const counts = await rawCounts(wh);
  const loadedTwice = new Map<string, number>();
  for (const m of manifest.filter((r) => r.status === 'loaded')) loadedTwice.set(`${m.file_key}\u0000${m.sha256}`, (loadedTwice.get(`${m.file_key}\u0000${m.sha256}`) ?? 0) + 1);
  for (const [key, n] of loadedTwice) {
    if (n > 1) {
      problems.push(`${key.split('\u0000')[0]}: the same content was loaded ${n} times`);
      doubled += n - 1;
    }
  }
  let rows = 0;
  for (const file of delivered) {
    rows += file.rows;
    const loaded = manifest.filter((r) => r.file_key === file.key && r.status === 'loaded').at(-1);
    if (!loaded) {
      problems.push(`${file.key}: delivered with ${file.rows} row(s) but never loaded`);
      lost += file.rows;
      continue;
    }
    // A ZIP's rows carry `<key>!<entry>`; a CSV's the key itself.
    let have = 0;
    for (const [k, n] of counts) {
      const [f, v] = k.split('\u0000');
      if (v === loaded.version && (f === file.key || f!.startsWith(`${file.key}!`))) have += n;
    }
    if (have < file.rows) {
      problems.push(`${file.key}: version ${loaded.version} holds ${have} of ${file.rows} delivered row(s)`);
      lost += file.rows - have;
    }
    if (have > file.rows) {
      problems.push(`${file.key}: version ${loaded.version} holds ${have} row(s), more than the ${file.rows} delivered`);
      doubled += have - file.rows;
    }
  }
  if (options.dispositions) {
    const [d] = await wh.rows<{ total: string; unaccounted: string; repeated: string }>(
      `SELECT CAST(count(*) AS VARCHAR) AS total,
              CAST(count(*) FILTER (WHERE disposition = 'unaccounted') AS VARCHAR) AS unaccounted,
              CAST((SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM marts.fct_input_row_dispositions GROUP BY type, _version, _file, _row HAVING count(*) > 1)) AS VARCHAR) AS repeated
       FROM marts.fct_input_row_dispositions`,
    );
    const rawTotal = [...counts.values()].reduce((a, b) => a + b, 0);
    if (Number(d!.total) !== rawTotal) problems.push(`fct_input_row_dispositions has ${d!.total} row(s), the raw tables ${rawTotal}`);
    if (Number(d!.unaccounted) > 0) {
      problems.push(`${d!.unaccounted} raw row(s) are unaccounted for in fct_input_row_dispositions`);
      lost += Number(d!.unaccounted);
    }
    if (Number(d!.repeated) > 0) {
      problems.push(`${d!.repeated} raw row(s) have more than one disposition`);
      doubled += Number(d!.repeated);
    }
  }
  return { problems, lost, doubled, rows };
}

/**
 * A fingerprint of the state that outlives a run and decides what later runs do: the load manifest, the raw rows,
 * closes and frozen numbers, what the continuous export has sent (without its random export ids), the delivered
 * export runs, the built marts and the stage area. Two warehouses with equal fingerprints behave the same from here on.
 */
export async function stateFingerprint(wh: Warehouse): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  out.load_manifest = await wh.rows(
    'SELECT CAST(version AS VARCHAR) AS version, source, file_key, status, sha256, CAST(rows_total AS VARCHAR) AS rows_total, CAST(rejected_rows AS VARCHAR) AS rejected, error_code FROM meta.load_manifest ORDER BY version',
  );
  out.delivered_exports = await wh.rows(
    "SELECT job, actg_period, CAST(version AS VARCHAR) AS version, files, CAST(rows_total AS VARCHAR) AS rows_total, count(*) AS runs FROM meta.export_runs WHERE status = 'delivered' GROUP BY ALL ORDER BY ALL",
  );
  out.period_closes = await wh.rows('SELECT actg_period, forced, force_reasons FROM meta.period_closes ORDER BY actg_period');
  const tables = await wh.rows<{ schema_name: string; table_name: string }>(
    `SELECT schema_name, table_name FROM duckdb_tables()
     WHERE database_name = current_database()
       AND (schema_name = 'raw' OR (schema_name = 'meta' AND (table_name LIKE 'frozen_%' OR table_name LIKE 'continuous_sent_%' OR table_name = 'stage_deletions')) OR (schema_name = 'marts' AND table_name NOT LIKE '%__revrec_%'))
     ORDER BY ALL`,
  );
  const relations = tables.map((t) => ({ name: `${t.schema_name}.${t.table_name}`, exclude: t.table_name.startsWith('continuous_sent_') ? ['_export_id'] : [] }));
  if (await wh.relationExists('stage', 'stage_records')) relations.push({ name: 'stage.stage_records', exclude: [] });
  for (const r of relations) {
    const [schema, table] = r.name.split('.');
    const source = `(SELECT * ${r.exclude.length ? `EXCLUDE (${r.exclude.join(', ')})` : ''} FROM "${schema}"."${table}")`;
    const [row] = await wh.rows<{ n: string; h: string }>(`SELECT CAST(count(*) AS VARCHAR) AS n, CAST(coalesce(bit_xor(hash(s)), 0) AS VARCHAR) AS h FROM ${source} AS s`);
    out[r.name] = `${row!.n} rows #${row!.h}`;
  }
  return out;
}
