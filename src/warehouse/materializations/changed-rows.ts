import { quoteIdent } from '../../compile/node-ids.js';
import type { ModelNode } from '../../compile/graph-types.js';
import type { Warehouse } from '../warehouse.js';
import { countDeletedRows } from '../vacuum.js';

/**
 * The column a `keep_unchanged_rows` model keeps its rows' hashes in: DuckDB's 64-bit `hash()` of every other
 * column, computed from the model's output when the row is written.
 *
 * Why a stored hash: comparing today's slice with the rows it replaces needs the old rows, and reading them whole
 * (every column of a wide table) cost more than the writes it saved when it was tried. The hash column alone is one
 * narrow read.
 *
 * A 64-bit hash can collide: a changed row whose new hash equals the hash of an old row of the same slice would be
 * kept unchanged. For a slice of n old and m new rows the chance is about n·m / 2^64, 4·10^-10 for the 87,000 rate
 * lookups of a day at 1M lines. A full rebuild (every close, `--full-refresh`) writes every row again.
 */
export const ROW_HASH = '_row_hash';

/** The model's rows with their hash (a `_row_hash` the SQL passes on from an upstream model is replaced). */
export function withRowHash(selectSql: string): string {
  const others = `COLUMNS(c -> c <> '${ROW_HASH}')`;
  return `SELECT ${others}, hash(*${others}) AS ${ROW_HASH} FROM (\n${selectSql}\n)`;
}

/**
 * replace_where for a `keep_unchanged_rows` model, inside the caller's transaction: the rows of the slice whose hash
 * no new row has are deleted, the new rows whose hash no old row of the slice has are inserted, and the rest stay.
 * Equal hashes pair one to one (numbered within each hash on both sides), so the table ends as the slice replaced
 * row for row, duplicates included. Returns the rows inserted.
 */
export async function replaceChangedRows(wh: Warehouse, node: ModelNode, staged: string, where: string): Promise<number> {
  const base = `${node.schema}__${node.identifier}`;
  const [oldName, newName] = [`revrec_old__${base}`, `revrec_newkeys__${base}`];
  const [old, fresh] = [oldName, newName].map((name) => `temp.main.${quoteIdent(name)}`) as [string, string];
  // Only row ids and hashes are numbered: a window over every column of the rows cost more than the writes it saved.
  const keys = (relation: string, filter = '') =>
    `SELECT rowid AS revrec_row_id, ${ROW_HASH}, row_number() OVER (PARTITION BY ${ROW_HASH}) AS revrec_n FROM ${relation}${filter}`;
  // rowids hold within this transaction: nothing changes the table between this read and the delete
  await wh.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(oldName)} AS ${keys(node.relation, ` WHERE coalesce((${where}), false)`)}`);
  try {
    await wh.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(newName)} AS ${keys(staged)}`);
    const unmatched = (from: string, against: string) => `SELECT f.revrec_row_id FROM ${from} AS f ANTI JOIN ${against} AS a USING (${ROW_HASH}, revrec_n)`;
    countDeletedRows(wh, await wh.run(`DELETE FROM ${node.relation} WHERE rowid IN (${unmatched(old, fresh)})`));
    return await wh.run(`INSERT INTO ${node.relation} BY NAME SELECT * FROM ${staged} WHERE rowid IN (${unmatched(fresh, old)})`);
  } finally {
    await wh.run(`DROP TABLE IF EXISTS ${old}; DROP TABLE IF EXISTS ${fresh}`);
  }
}
