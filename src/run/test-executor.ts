import { quoteIdent } from '../compile/node-ids.js';
import type { TestNode } from '../compile/graph-types.js';
import { ensureSchema } from '../warehouse/materializations/schemas.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export const AUDIT_SCHEMA = 'audit';

/**
 * Runs one data test: its failing rows are stored in `audit.<test_name>` for inspection (dbt's store_failures), and
 * the table is dropped again when the test passes, so the audit schema always shows exactly today's failures.
 */
export async function runDataTest(wh: Warehouse, node: TestNode): Promise<{ failures: number; auditTable?: string }> {
  await ensureSchema(wh, AUDIT_SCHEMA);
  const audit = `${quoteIdent(AUDIT_SCHEMA)}.${quoteIdent(node.name)}`;
  const failures = await wh.run(`CREATE OR REPLACE TABLE ${audit} AS (\n${node.compiledSql}\n)`);
  if (failures === 0) {
    await wh.run(`DROP TABLE IF EXISTS ${audit}`);
    return { failures };
  }
  return { failures, auditTable: `${AUDIT_SCHEMA}.${node.name}` };
}
