import { join } from 'node:path';
import { quoteIdent, quoteLiteral } from '../../compile/node-ids.js';
import type { SeedNode } from '../../compile/graph-types.js';
import { ExecutionError } from '../../errors.js';
import type { Warehouse } from '../warehouse.js';
import { ensureSchema } from './schemas.js';
import { buildAndSwap } from './table-swap.js';

/**
 * Loads a seed CSV with DuckDB's own reader: every column read as text, then cast to the type declared in the
 * seed's YAML (`column_types`); undeclared columns stay VARCHAR. Types are never auto-detected, because
 * auto-detection reads money as DOUBLE. A bad value names the seed file and column.
 */
export async function loadSeed(wh: Warehouse, node: SeedNode, projectRoot: string): Promise<{ rowsAffected: number; message: string }> {
  await ensureSchema(wh, node.schema);
  const file = quoteLiteral(join(projectRoot, node.path));
  const reader = `read_csv(${file}, header = true, all_varchar = true, delim = ${quoteLiteral(node.delimiter)}, quote = '"', escape = '"', encoding = 'utf-8')`;
  const header = await wh.rows<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${reader})`);
  const declared = Object.keys(node.columnTypes);
  const missing = declared.filter((c) => !header.some((h) => h.column_name === c));
  if (missing.length) {
    throw new ExecutionError(`seed ${node.path} has no column ${missing.join(', ')} declared in column_types`, {
      location: { node: node.id, file: node.path },
      hint: 'fix the header or the seed YAML',
    });
  }
  const select = header
    .map(({ column_name: name }) => {
      const type = node.columnTypes[name];
      return type ? `CAST(NULLIF(trim(${quoteIdent(name)}), '') AS ${type}) AS ${quoteIdent(name)}` : quoteIdent(name);
    })
    .join(', ');
  try {
    const rows = await buildAndSwap(wh, node.schema, node.identifier, `SELECT ${select} FROM ${reader}`, node);
    return { rowsAffected: rows, message: `INSERT ${rows}` };
  } catch (error) {
    throw new ExecutionError(`seed ${node.path} could not be loaded: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, {
      location: { node: node.id, file: node.path },
      hint: 'fix the value in the CSV or the type in column_types',
      cause: error,
    });
  }
}
