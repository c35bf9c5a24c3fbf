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
 */
export async function buildAndSwap(
  wh: Warehouse,
  schema: string,
  name: string,
  selectSql: string,
  docs: { description: string; columns: readonly ColumnDef[] },
): Promise<number> {
  const target = relationName(schema, name);
  const temp = relationName(schema, `${name}${TEMP_SUFFIX}`);
  await wh.run(`DROP TABLE IF EXISTS ${temp}`);
  const rows = await wh.run(`CREATE TABLE ${temp} AS (\n${selectSql}\n)`);
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
