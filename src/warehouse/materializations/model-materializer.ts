import { quoteIdent, relationName } from '../../compile/node-ids.js';
import type { ModelNode } from '../../compile/graph-types.js';
import { ExecutionError } from '../../errors.js';
import type { Warehouse } from '../warehouse.js';
import { countDeletedRows } from '../vacuum.js';
import { replaceChangedRows, withRowHash } from './changed-rows.js';
import { storeViewFingerprint, viewFingerprint, viewUnchanged } from './view-state.js';
import { writeComments } from './relation-comments.js';
import { ensureSchema } from './schemas.js';
import { buildAndSwap } from './table-swap.js';

/**
 * Incremental delete+insert models may return, in their incremental branch, rows with `_revrec_tombstone = true`
 * and only the unique_key set: the key's old rows are deleted and nothing is inserted for it. This is how a model
 * that recomputes a set of keys (say, the orders touched by today's files) removes what no longer exists.
 */
export const TOMBSTONE = '_revrec_tombstone';

export interface MaterializeOptions {
  readonly fullRefresh: boolean;
  /** viewFingerprintBase of the build: views whose fingerprint did not change are kept (none: always recreated). */
  readonly viewFingerprintBase?: string;
}

export interface MaterializeResult {
  /** Rows written (table: rows in the table; incremental: rows inserted or merged; view: undefined). */
  readonly rowsAffected?: number;
  /** What happened, for logs: `CREATE VIEW`, `CREATE TABLE (1,204 rows)`, `MERGE 12 rows`. */
  readonly message: string;
}

/** Materializes one model as its config says. Ephemeral models are inlined at compile time and never reach here. */
export async function materializeModel(wh: Warehouse, node: ModelNode, options: MaterializeOptions): Promise<MaterializeResult> {
  await ensureSchema(wh, node.schema);
  for (const hook of node.config.preHook) await wh.run(hook);
  // a hook is any SQL: it may create or drop relations the build asks about
  if (node.config.preHook.length) wh.forgetRelations();
  const result = await materialize(wh, node, options);
  for (const hook of node.config.postHook) await wh.run(hook);
  if (node.config.postHook.length) wh.forgetRelations();
  return result;
}

async function materialize(wh: Warehouse, node: ModelNode, options: MaterializeOptions): Promise<MaterializeResult> {
  const docs = { description: node.description, columns: node.columns };
  switch (node.config.materialized) {
    case 'view': {
      const existing = await wh.relationExists(node.schema, node.identifier);
      const fingerprint = options.viewFingerprintBase === undefined ? undefined : viewFingerprint(options.viewFingerprintBase, node);
      if (fingerprint && existing === 'view' && !options.fullRefresh && (await viewUnchanged(wh, node, fingerprint))) {
        return { message: 'VIEW (unchanged, kept)' };
      }
      await wh.transaction(async () => {
        if (existing === 'table') await wh.run(`DROP TABLE ${node.relation}`);
        await wh.run(`CREATE OR REPLACE VIEW ${node.relation} AS (\n${node.compiledSql}\n)`);
        await writeComments(wh, node.schema, node.identifier, 'view', docs.description, docs.columns);
        if (fingerprint) await storeViewFingerprint(wh, node, fingerprint);
      });
      wh.noteRelation(node.schema, node.identifier, 'view');
      return { message: 'CREATE VIEW' };
    }
    case 'table': {
      const rows = await buildAndSwap(wh, node.schema, node.identifier, node.compiledSql, docs, { computeInTemp: node.config.computeInTemp ?? false });
      return { rowsAffected: rows, message: `CREATE TABLE (${rows} rows)` };
    }
    case 'incremental':
      return materializeIncremental(wh, node, options);
    case 'ephemeral':
      return { message: 'EPHEMERAL (inlined)' };
    default:
      throw new Error(`Unexpected materialization ${String(node.config.materialized)}`);
  }
}

async function materializeIncremental(wh: Warehouse, node: ModelNode, options: MaterializeOptions): Promise<MaterializeResult> {
  const existing = await wh.relationExists(node.schema, node.identifier);
  const refresh = options.fullRefresh && node.config.fullRefresh !== false;
  const asked = existing === 'table' && !refresh && (await fullRefreshAsked(wh, node));
  const rowsOf = (sql: string) => (node.config.keepUnchangedRows ? withRowHash(sql) : sql);
  if (existing !== 'table' || refresh || asked) {
    const rows = await buildAndSwap(wh, node.schema, node.identifier, rowsOf(node.compiledSql), node, { computeInTemp: node.config.computeInTemp ?? false });
    return { rowsAffected: rows, message: `${refresh ? 'FULL REFRESH' : asked ? 'FULL REFRESH (full_refresh_if)' : 'CREATE TABLE'} (${rows} rows)` };
  }
  // The new rows go to a TEMP table: nothing of it reaches the write-ahead log or the file (a table in the model's
  // schema was written to the log and dropped, and filled it towards the next checkpoint). It spills to
  // temp_directory when large.
  const stagedName = `revrec_new__${node.schema}__${node.identifier}`;
  const staged = `temp.main.${quoteIdent(stagedName)}`;
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(stagedName)} AS (\n${rowsOf(node.incrementalSql ?? node.compiledSql)}\n)`);
  try {
    const stagedColumns = await wh.columnNames('main', stagedName, 'temp');
    const columns = await checkSameColumns(wh, node, stagedColumns);
    const keys = node.config.uniqueKey;
    const on = keys.map((k) => `target.${quoteIdent(k)} IS NOT DISTINCT FROM source.${quoteIdent(k)}`).join(' AND ');
    let rows = 0;
    await wh.transaction(async () => {
      switch (node.config.incrementalStrategy) {
        case 'append':
          rows = await wh.run(`INSERT INTO ${node.relation} BY NAME SELECT * FROM ${staged}`);
          break;
        case 'merge':
          await assertUniqueKeys(wh, node, staged);
          // Columns by name: DuckDB's `UPDATE SET *` pairs them by position, which would write a reordered
          // model's values into the wrong columns.
          rows = await wh.run(
            `MERGE INTO ${node.relation} AS target USING ${staged} AS source ON (${on}) ` +
              `WHEN MATCHED THEN UPDATE SET ${columns.map((c) => `${quoteIdent(c)} = source.${quoteIdent(c)}`).join(', ')} ` +
              `WHEN NOT MATCHED THEN INSERT BY NAME`,
          );
          break;
        case 'delete+insert': {
          // Every key in the new rows is replaced; tombstone rows (see TOMBSTONE) only delete their key.
          countDeletedRows(wh, await wh.run(`DELETE FROM ${node.relation} AS target USING ${staged} AS source WHERE ${on}`));
          const tombstones = stagedColumns.includes(TOMBSTONE);
          rows = await wh.run(
            tombstones
              ? `INSERT INTO ${node.relation} BY NAME SELECT * EXCLUDE (${quoteIdent(TOMBSTONE)}) FROM ${staged} WHERE NOT coalesce(${quoteIdent(TOMBSTONE)}, false)`
              : `INSERT INTO ${node.relation} BY NAME SELECT * FROM ${staged}`,
          );
          break;
        }
        case 'replace_where':
          rows = await replaceWhere(wh, node, staged);
          break;
        default:
          throw new Error(`Unexpected incremental strategy ${String(node.config.incrementalStrategy)}`);
      }
    });
    return { rowsAffected: rows, message: `${node.config.incrementalStrategy.toUpperCase()} ${rows} rows` };
  } finally {
    await wh.run(`DROP TABLE IF EXISTS ${staged}`);
  }
}

/**
 * replace_where: the slice of the table the predicate matches is replaced by the new rows. A new row outside the
 * slice would sit next to the old row it recomputes (the old one is not deleted), so it is an error, not a duplicate.
 */
async function replaceWhere(wh: Warehouse, node: ModelNode, staged: string): Promise<number> {
  const where = node.config.replaceWhere!;
  const outside = Number(await wh.scalar(`SELECT count(*) FROM ${staged} WHERE NOT coalesce((${where}), false)`));
  if (outside > 0) {
    throw new ExecutionError(`${outside} new row(s) of ${node.relation} fall outside its replace_where slice`, {
      location: { node: node.id, file: node.path },
      hint: 'the incremental branch must return only rows the replace_where predicate matches; filter its inputs by the same slice',
    });
  }
  if (node.config.keepUnchangedRows) return replaceChangedRows(wh, node, staged, where);
  countDeletedRows(wh, await wh.run(`DELETE FROM ${node.relation} WHERE coalesce((${where}), false)`));
  return wh.run(`INSERT INTO ${node.relation} BY NAME SELECT * FROM ${staged}`);
}

/** The answer of the model's `full_refresh_if` query (false without one); anything but one true/false is an error. */
async function fullRefreshAsked(wh: Warehouse, node: ModelNode): Promise<boolean> {
  if (!node.config.fullRefreshIf) return false;
  let answer: unknown;
  try {
    answer = await wh.scalar(`SELECT (\n${node.config.fullRefreshIf}\n)`);
  } catch (error) {
    throw new ExecutionError(`full_refresh_if of ${node.relation} failed: ${(error as Error).message}`, {
      location: { node: node.id, file: node.path },
      hint: 'full_refresh_if takes a query returning one boolean, e.g. (restage_all)',
    });
  }
  if (typeof answer !== 'boolean') {
    throw new ExecutionError(`full_refresh_if of ${node.relation} returned ${JSON.stringify(answer)}, not true or false`, {
      location: { node: node.id, file: node.path },
      hint: 'full_refresh_if takes a query returning one boolean, e.g. (restage_all)',
    });
  }
  return answer;
}

/** Returns the target's column names once the new rows are known to have the same set (in any order). */
async function checkSameColumns(wh: Warehouse, node: ModelNode, stagedColumns: readonly string[]): Promise<string[]> {
  const current = await wh.columnNames(node.schema, node.identifier);
  const incoming = stagedColumns.filter((c) => c !== TOMBSTONE);
  const added = incoming.filter((c) => !current.includes(c));
  const removed = current.filter((c) => !incoming.includes(c));
  if (added.length || removed.length) {
    throw new ExecutionError(
      `the columns of ${node.relation} changed (${[...added.map((c) => `+${c}`), ...removed.map((c) => `-${c}`)].join(', ')})`,
      { location: { node: node.id, file: node.path }, hint: `rebuild it: revrec run --select ${node.name} --full-refresh` },
    );
  }
  return current;
}

async function assertUniqueKeys(wh: Warehouse, node: ModelNode, staged: string): Promise<void> {
  const keys = node.config.uniqueKey.map(quoteIdent).join(', ');
  const dup = await wh.rows(`SELECT ${keys}, count(*) AS n FROM ${staged} GROUP BY ALL HAVING count(*) > 1 LIMIT 1`);
  if (dup.length) {
    throw new ExecutionError(`new rows of ${node.relation} repeat the unique_key (${node.config.uniqueKey.join(', ')}): ${JSON.stringify(dup[0])}`, {
      location: { node: node.id, file: node.path },
      hint: 'make the model return one row per unique_key in incremental runs',
    });
  }
}
