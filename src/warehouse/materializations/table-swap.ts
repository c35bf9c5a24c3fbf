import { quoteIdent, relationName } from '../../compile/node-ids.js';
import type { ColumnDef } from '../../project/types.js';
import { faultPoint } from '../../testing/fault-points.js';
import type { Warehouse } from '../warehouse.js';
import { writeComments } from './relation-comments.js';

export const TEMP_SUFFIX = '__revrec_tmp';

/**
 * Builds `selectSql` into `<name>__revrec_tmp`, then swaps it in inside one short transaction (drop the old
 * relation, rename, comment), so a reader sees either the old table or the new one, never a half-built table.
 * A temp table left behind by a crashed run is dropped first. Returns the row count of the new table.
 *
 * `computeInTemp` (the model's `compute_in_temp`): the rows are computed into a DuckDB TEMP table and the table is
 * written from there. For some queries the two statements cost DuckDB less than one `CREATE TABLE AS` writing the
 * query's output into the file (ModelConfig.computeInTemp).
 */
export async function buildAndSwap(
  wh: Warehouse,
  schema: string,
  name: string,
  selectSql: string,
  docs: { description: string; columns: readonly ColumnDef[] },
  options: { computeInTemp?: boolean } = {},
): Promise<number> {
  const target = relationName(schema, name);
  const temp = relationName(schema, `${name}${TEMP_SUFFIX}`);
  await wh.run(`DROP TABLE IF EXISTS ${temp}`);
  const rows = options.computeInTemp ? await writeThroughTempTable(wh, schema, name, temp, selectSql) : await wh.run(`CREATE TABLE ${temp} AS (\n${selectSql}\n)`);
  const existing = await wh.relationExists(schema, name);
  faultPoint('build.swap');
  await wh.transaction(async () => {
    if (existing === 'view') await wh.run(`DROP VIEW ${target}`);
    if (existing === 'table') await wh.run(`DROP TABLE ${target}`);
    await wh.run(`ALTER TABLE ${temp} RENAME TO ${quoteIdent(name)}`);
    await writeComments(wh, schema, name, 'table', docs.description, docs.columns);
  });
  wh.noteRelation(schema, name, 'table');
  return rows;
}

/** `CREATE TABLE target AS` from a TEMP table holding the query's rows, dropped afterwards whatever happens. */
async function writeThroughTempTable(wh: Warehouse, schema: string, name: string, target: string, selectSql: string): Promise<number> {
  const staged = quoteIdent(`revrec_rows__${schema}__${name}`);
  try {
    await wh.run(`CREATE OR REPLACE TEMP TABLE ${staged} AS (\n${selectSql}\n)`);
    return await wh.run(`CREATE TABLE ${target} AS SELECT * FROM temp.main.${staged}`);
  } finally {
    await wh.run(`DROP TABLE IF EXISTS temp.main.${staged}`);
  }
}
