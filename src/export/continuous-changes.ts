import { quoteIdent, relationName } from '../compile/node-ids.js';
import { ExecutionError } from '../errors.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { continuousStateTable, storageType } from './export-tables.js';
import type { RecordSlice } from './continuous-slice.js';
import type { ExportType, ExportTypeName } from './export-types.js';

/** Which held-back key set (exp_fx_pending_keys.key_kind) applies to a type whose amounts need the contract rate. */
const FX_HELD: Partial<Record<ExportTypeName, 'grouped' | 'item'>> = {
  unearned_revenue_rollforward: 'grouped',
  revenue: 'grouped',
  deferred_revenue_balance: 'grouped',
  expenses: 'item',
  revenue_backlog: 'item',
};

/** The temp table holding a type's rows to send in this run. */
export function payloadTable(type: ExportType): string {
  return `revrec_cx_payload_${type.name}`;
}

/** Identifier list of a type's export columns (without Version). */
function columnList(type: ExportType, alias?: string): string {
  return type.columns.map((c) => (alias ? `${alias}.${quoteIdent(c.name)}` : quoteIdent(c.name))).join(', ');
}

/** A content hash over the columns as exported (not Version: a new load that changes nothing is not a change). */
function contentHash(expressions: readonly string[]): string {
  return `md5(CAST(json_array(${expressions.join(', ')}) AS VARCHAR))`;
}

export interface TypeChanges {
  /** Rows to send: new or changed records, and the zero rows of vanished ones. */
  readonly changed: number;
  readonly zeroed: number;
  /** Records left out because a line behind them is FX-pending. */
  readonly held: number;
  /** The highest Version among the rows to send (null when none). */
  readonly version: bigint | null;
}

/**
 * Stages what the continuous export sends for one type into a temp table: every record of `exports.exp_<type>` whose
 * content hash differs from what was last delivered for its `_record_key` (or that was never delivered), plus, for
 * each record delivered before that is gone now (excluded, replaced, reopened period), one row with its last
 * delivered values and every amount at 0. Records behind an FX-pending line are held back either way. Journals only
 * for closed periods.
 *
 * A vanished record's zero row, and a changed record whose Version did not grow, carry the higher of its last Version
 * and the newest load, so a consumer keeping the highest version per key takes them.
 *
 * With a slice (continuous-slice.ts: the views already return only its records) the delivered records are narrowed
 * the same way, so only the slice is compared: the rest cannot have changed since the last export. `held` then
 * counts the held-back records of the slice only.
 */
export async function stageChanges(
  wh: Warehouse,
  type: ExportType,
  options: { currentPeriod: number; newestLoad: bigint; slice?: RecordSlice },
): Promise<TypeChanges> {
  if (options.slice?.kind === 'skip') return { changed: 0, zeroed: 0, held: 0, version: null };
  // The views narrow themselves to the slice (setExportSlice); the delivered records are narrowed here to match.
  const inSlice = (alias: string) => (options.slice?.kind === 'where' ? options.slice.predicate(alias) : 'true');
  const model = relationName('exports', type.model!);
  const state = continuousStateTable(type);
  const payload = payloadTable(type);
  const cols = type.columns.map((c) => quoteIdent(c.name));
  const held = FX_HELD[type.name];
  const heldKeys = held ? `(SELECT _record_key FROM ${relationName('exports', 'exp_fx_pending_keys')} WHERE key_kind = '${held}')` : undefined;
  const where = type.closedPeriodsOnly ? `WHERE Actg_Period < ${options.currentPeriod}` : '';
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE revrec_cx_now AS
     SELECT ${columnList(type)}, _amount_minor_unit, Version, _record_key, ${contentHash([...cols, '_amount_minor_unit'])} AS _content_hash
     FROM ${model} ${where}`,
  );
  const zeroedColumns = type.columns.map((c) => (c.kind === 'amount' ? `CAST(0 AS ${storageType('amount')}) AS ${quoteIdent(c.name)}` : `s.${quoteIdent(c.name)}`));
  const zeroedValues = type.columns.map((c) => (c.kind === 'amount' ? `CAST(0 AS ${storageType('amount')})` : `s.${quoteIdent(c.name)}`));
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE ${payload} AS
     SELECT n.* REPLACE (
         -- A changed record whose Version did not grow (a change no input of its own explains: an exclusion, a
         -- reopened period) gets the newest load's, so a consumer keeping the highest Version per key takes it.
         CASE WHEN s._record_key IS NOT NULL AND n.Version <= s.Version THEN greatest(s.Version, CAST(${options.newestLoad} AS BIGINT)) ELSE n.Version END AS Version
       ), false AS _zeroed
     FROM revrec_cx_now AS n
     LEFT JOIN ${state} AS s ON s._record_key = n._record_key
     WHERE (s._record_key IS NULL OR s._content_hash <> n._content_hash)
       ${heldKeys ? `AND n._record_key NOT IN ${heldKeys}` : ''}
     UNION ALL BY NAME
     SELECT ${zeroedColumns.join(', ')}, s._amount_minor_unit,
       greatest(s.Version, CAST(${options.newestLoad} AS BIGINT)) AS Version, s._record_key,
       ${contentHash([...zeroedValues, 's._amount_minor_unit'])} AS _content_hash, true AS _zeroed
     FROM ${state} AS s
     WHERE NOT s._zeroed AND ${inSlice('s')}
       AND NOT EXISTS (SELECT 1 FROM revrec_cx_now AS n WHERE n._record_key = s._record_key)
       ${heldKeys ? `AND s._record_key NOT IN ${heldKeys}` : ''}`,
  );
  const [counts] = await wh.rows<{ changed: string; zeroed: string; version: string | null }>(
    `SELECT count(*) FILTER (WHERE NOT _zeroed) AS changed, count(*) FILTER (WHERE _zeroed) AS zeroed, CAST(max(Version) AS VARCHAR) AS version FROM ${payload}`,
  );
  const heldCount = heldKeys
    ? Number(
        await wh.scalar(
          `SELECT (SELECT count(*) FROM revrec_cx_now AS n WHERE n._record_key IN ${heldKeys}
                     AND NOT EXISTS (SELECT 1 FROM ${state} AS s WHERE s._record_key = n._record_key AND s._content_hash = n._content_hash))
                + (SELECT count(*) FROM ${state} AS s WHERE NOT s._zeroed AND ${inSlice('s')} AND s._record_key IN ${heldKeys}
                     AND NOT EXISTS (SELECT 1 FROM revrec_cx_now AS n WHERE n._record_key = s._record_key))`,
        ),
      )
    : 0;
  await wh.run('DROP TABLE IF EXISTS revrec_cx_now');
  return { changed: Number(counts!.changed), zeroed: Number(counts!.zeroed), held: heldCount, version: counts!.version === null ? null : BigInt(counts!.version) };
}

/**
 * Bundles into this run's file the records an earlier run already delivered under the same file name (same type and
 * version), so re-using a name never drops rows a consumer has not read yet (seed 000: jobs of one day are bundled
 * into one file). They go out with the values last delivered.
 */
export async function bundleEarlierRecords(wh: Warehouse, type: ExportType, fileVersion: bigint): Promise<number> {
  const payload = payloadTable(type);
  return wh.run(
    `INSERT INTO ${payload} BY NAME
     SELECT ${columnList(type, 's')}, s._amount_minor_unit, s.Version, s._record_key, s._content_hash, s._zeroed
     FROM ${continuousStateTable(type)} AS s
     WHERE s._file_version = ${fileVersion} AND s._record_key NOT IN (SELECT _record_key FROM ${payload})`,
  );
}

/** After every destination accepted the files: the payload becomes what was last delivered per record key. */
export async function commitChanges(wh: Warehouse, type: ExportType, fileVersion: bigint, exportId: string): Promise<void> {
  const payload = payloadTable(type);
  const state = continuousStateTable(type);
  const [repeated] = await wh.rows<{ _record_key: string; n: string }>(`SELECT _record_key, count(*) AS n FROM ${payload} GROUP BY ALL HAVING count(*) > 1 LIMIT 1`);
  if (repeated) {
    throw new ExecutionError(`the continuous export of ${type.name} has ${repeated.n} rows for record key ${repeated._record_key}`, {
      location: { node: relationName('exports', type.model!) },
      hint: `${type.model} must return one row per _record_key; nothing was recorded as sent, so the next run sends again`,
    });
  }
  await wh.run(`DELETE FROM ${state} WHERE _record_key IN (SELECT _record_key FROM ${payload})`);
  await wh.run(
    `INSERT INTO ${state} BY NAME
     SELECT ${columnList(type)}, _amount_minor_unit, Version, _record_key, _content_hash, _zeroed,
       CAST(${fileVersion} AS BIGINT) AS _file_version, $1 AS _export_id
     FROM ${payload}`,
    [exportId],
  );
}
