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

/**
 * The columns whose values make a record's content: the exported columns and the row's decimals, not Version (a new
 * load that changes nothing is not a change). The state keeps the values last delivered, so a record is compared
 * column by column with them; a content hash was measured first and cost more than the comparison (md5 of the row
 * as JSON: 2.7 s of a 1M-line first export, the comparison no measurable time).
 */
function contentColumns(type: ExportType): string[] {
  return [...type.columns.map((c) => quoteIdent(c.name)), '_amount_minor_unit'];
}

/** SQL: the record `a` carries other content than `b` (NULLs compare as values). */
function contentDiffers(type: ExportType, a: string, b: string): string {
  return `(${contentColumns(type).map((c) => `${a}.${c} IS DISTINCT FROM ${b}.${c}`).join(' OR ')})`;
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
 * content differs from what was last delivered for its `_record_key` (or that was never delivered), plus, for
 * each record delivered before that is gone now (excluded, replaced, reopened period), one row with its last
 * delivered values and every amount at 0. Records behind an FX-pending line are held back either way. Journals only
 * for closed periods.
 *
 * A vanished record's zero row, and a changed record whose Version did not grow, carry the higher of its last Version
 * and the newest load, so a consumer keeping the highest version per key takes them.
 *
 * With a slice (continuous-slice.ts: the views already return only its records) the delivered records are narrowed
 * the same way, so only the slice is compared: the rest cannot have changed since the last export. `held` then
 * counts the held-back records of the slice only. With `fromPeriod`, both sides also leave out the records of earlier
 * periods, which only a change of every period (a full rebuild) could have touched.
 */
export async function stageChanges(
  wh: Warehouse,
  type: ExportType,
  options: { currentPeriod: number; newestLoad: bigint; slice?: RecordSlice; fromPeriod?: number | null },
): Promise<TypeChanges> {
  if (options.slice?.kind === 'skip') return { changed: 0, zeroed: 0, held: 0, version: null };
  // Records of the periods before fromPeriod cannot have changed (change-log.ts): both sides leave them out. (Journals
  // of a reopened period P still compare: P is current again and has none, so the delivered ones go out as zero rows.)
  const inPeriods = (alias: string) => (options.fromPeriod != null ? `${alias}.Actg_Period >= ${Math.trunc(options.fromPeriod)}` : 'true');
  // The views narrow themselves to the slice (setExportSlice); the delivered records are narrowed here to match.
  const inSlice = (alias: string) => `${options.slice?.kind === 'where' ? options.slice.predicate(alias) : 'true'} AND ${inPeriods(alias)}`;
  const model = relationName('exports', type.model!);
  const state = continuousStateTable(type);
  const payload = payloadTable(type);
  const held = FX_HELD[type.name];
  const heldKeys = held ? `(SELECT _record_key FROM ${relationName('exports', 'exp_fx_pending_keys')} WHERE key_kind = '${held}')` : undefined;
  const where = `WHERE ${type.closedPeriodsOnly ? `m.Actg_Period < ${options.currentPeriod}` : 'true'} AND ${inPeriods('m')}`;
  const isHeld = (key: string) => (heldKeys ? `${key} IN ${heldKeys}` : 'false');
  // One temp table becomes the payload, from one join of the current records with the delivered ones: every current
  // record flagged with what the state says of it, and a zero row for each delivered record that is gone (not zeroed
  // already); then what is not sent is deleted. (A second table holding just the changes cost 1.4 s of a 1M-line
  // first export; the zero rows as a second pass over the state, 0.4 s of a day at 1M lines.)
  const gone = 'n._record_key IS NULL';
  const version = `greatest(s.Version, CAST(${options.newestLoad} AS BIGINT))`;
  const columns = type.columns.map((c) => {
    const column = quoteIdent(c.name);
    const delivered = c.kind === 'amount' ? `CAST(0 AS ${storageType('amount')})` : `CAST(s.${column} AS ${storageType(c.kind)})`;
    return `CASE WHEN ${gone} THEN ${delivered} ELSE n.${column} END AS ${column}`;
  });
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE ${payload} AS
     SELECT ${columns.join(',\n       ')},
       CASE WHEN ${gone} THEN s._amount_minor_unit ELSE n._amount_minor_unit END AS _amount_minor_unit,
       -- A changed record whose Version did not grow (a change no input of its own explains: an exclusion, a reopened
       -- period) gets the newest load's, so a consumer keeping the highest Version per key takes it; so does a zero row.
       CASE WHEN ${gone} OR (s._record_key IS NOT NULL AND n.Version <= s.Version) THEN ${version} ELSE n.Version END AS Version,
       coalesce(n._record_key, s._record_key) AS _record_key,
       ${gone} AS _zeroed,
       (${gone} OR s._record_key IS NULL OR ${contentDiffers(type, 'n', 's')}) AS _changed,
       ${isHeld('coalesce(n._record_key, s._record_key)')} AS _held
     FROM (SELECT ${columnList(type)}, _amount_minor_unit, Version, _record_key FROM ${model} AS m ${where}) AS n
     -- a record key starts with its period, so only delivered records of the compared periods can match (the state
     -- grows by every record of every period: reading it whole made each export after a close slower than the last);
     -- and only those of the slice: a delivered record the same as a current one is in the slice when that one is,
     -- and one that differs is sent either way
     FULL JOIN (SELECT * FROM ${state} AS s WHERE ${inSlice('s')}) AS s ON s._record_key = n._record_key
     WHERE NOT (${gone} AND s._zeroed)`,
  );
  const [counts] = await wh.rows<{ changed: string; zeroed: string; held: string; version: string | null }>(
    `SELECT count(*) FILTER (WHERE _changed AND NOT _held AND NOT _zeroed) AS changed,
       count(*) FILTER (WHERE _changed AND NOT _held AND _zeroed) AS zeroed,
       count(*) FILTER (WHERE _changed AND _held) AS held,
       CAST(max(Version) FILTER (WHERE _changed AND NOT _held) AS VARCHAR) AS version
     FROM ${payload}`,
  );
  await wh.run(`DELETE FROM ${payload} WHERE NOT _changed OR _held`);
  // Grouping by a 64-bit hash of the key is cheaper than by its text (52 ms against 73 ms for 1.3M invoice records;
  // 0.5 s of a 1M-line first export went to this check); two keys sharing a hash only send the
  // check to the text, which decides.
  const suspect = await wh.scalar(`SELECT 1 FROM ${payload} GROUP BY hash(_record_key) HAVING count(*) > 1 LIMIT 1`);
  if (suspect !== undefined) await failIfKeyRepeats(wh, type);
  return { changed: Number(counts!.changed), zeroed: Number(counts!.zeroed), held: Number(counts!.held), version: counts!.version === null ? null : BigInt(counts!.version) };
}

/**
 * Bundles into this run's file the records an earlier run already delivered under the same file name (same type and
 * version), so re-using a name never drops rows a consumer has not read yet (seed 000: jobs of one day are bundled
 * into one file). They go out with the values last delivered.
 */
export async function bundleEarlierRecords(wh: Warehouse, type: ExportType, fileVersion: bigint): Promise<number> {
  const payload = payloadTable(type);
  // Usually no earlier run used the name; checking first spares hashing every payload key (0.1 s per 1M records).
  const earlier = await wh.scalar(`SELECT 1 FROM ${continuousStateTable(type)} WHERE _file_version = ${fileVersion} LIMIT 1`);
  if (earlier === undefined) return 0;
  return wh.run(
    `INSERT INTO ${payload} BY NAME
     SELECT ${columnList(type, 's')}, s._amount_minor_unit, s.Version, s._record_key, s._zeroed
     FROM ${continuousStateTable(type)} AS s
     WHERE s._file_version = ${fileVersion} AND s._record_key NOT IN (SELECT _record_key FROM ${payload})`,
  );
}

/** Fails when a type's payload holds a record key twice: the state keeps one row per key, so nothing is written or sent. */
async function failIfKeyRepeats(wh: Warehouse, type: ExportType): Promise<void> {
  const [repeated] = await wh.rows<{ _record_key: string; n: string }>(
    `SELECT _record_key, count(*) AS n FROM ${payloadTable(type)} GROUP BY ALL HAVING count(*) > 1 ORDER BY _record_key LIMIT 1`,
  );
  if (!repeated) return; // different keys with one hash
  throw new ExecutionError(`the continuous export of ${type.name} has ${repeated.n} rows for record key ${repeated._record_key}`, {
    location: { node: relationName('exports', type.model!) },
    hint: `${type.model} must return one row per _record_key; nothing was sent or recorded as sent, so the next run sends again`,
  });
}

/** After every destination accepted the files: the payload becomes what was last delivered per record key. */
export async function commitChanges(wh: Warehouse, type: ExportType, fileVersion: bigint, exportId: string): Promise<void> {
  const payload = payloadTable(type);
  const state = continuousStateTable(type);
  // A record key starts with its period: the payload's earliest period bounds the rows to replace (zone maps skip the
  // older periods' row groups of a state that holds every period ever delivered).
  await wh.run(
    `DELETE FROM ${state} WHERE Actg_Period >= (SELECT min(Actg_Period) FROM ${payload}) AND _record_key IN (SELECT _record_key FROM ${payload})`,
  );
  await wh.run(
    `INSERT INTO ${state} BY NAME
     SELECT ${columnList(type)}, _amount_minor_unit, Version, _record_key, _zeroed,
       CAST(${fileVersion} AS BIGINT) AS _file_version, $1 AS _export_id
     FROM ${payload}`,
    [exportId],
  );
}
