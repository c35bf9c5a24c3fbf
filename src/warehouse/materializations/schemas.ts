import { quoteIdent } from '../../compile/node-ids.js';
import type { Warehouse } from '../warehouse.js';

/** `CREATE SCHEMA IF NOT EXISTS`, remembered per warehouse so a 1,000-model run does not repeat it. */
const created = new WeakMap<Warehouse, Set<string>>();

export async function ensureSchema(wh: Warehouse, schema: string): Promise<void> {
  let known = created.get(wh);
  if (!known) created.set(wh, (known = new Set()));
  if (known.has(schema)) return;
  await wh.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  known.add(schema);
}
