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
  // A malformed file fails here already (DuckDB's sniffer): report it like a bad value, naming the seed file.
  const header = await wh.rows<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${reader})`).catch((error: unknown) => {
    throw notLoaded(node, error);
  });
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
      return type ? `${castValue(name, type)} AS ${quoteIdent(name)}` : quoteIdent(name);
    })
    .join(', ');
  try {
    const rows = await buildAndSwap(wh, node.schema, node.identifier, `SELECT ${select} FROM ${reader}`, node);
    return { rowsAffected: rows, message: `INSERT ${rows}` };
  } catch (error) {
    throw notLoaded(node, error);
  }
}

function notLoaded(node: SeedNode, error: unknown): ExecutionError {
  return new ExecutionError(`seed ${node.path} could not be loaded: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, {
    location: { node: node.id, file: node.path },
    hint: 'fix the value in the CSV or the type in column_types',
    cause: error,
  });
}

/**
 * `CAST(text AS type)`, except that a DECIMAL with more (non-zero) decimals than its scale is an error instead of
 * being rounded silently: `1.005` in a DECIMAL(12,2) money column is a bad value, not `1.01`.
 */
function castValue(name: string, type: string): string {
  const column = `NULLIF(trim(${quoteIdent(name)}), '')`;
  const cast = `CAST(${column} AS ${type})`;
  const scale = /^\s*(?:DECIMAL|NUMERIC)\s*\(\s*\d+\s*,\s*(\d+)\s*\)\s*$/i.exec(type)?.[1];
  if (scale === undefined) return cast;
  const tooPrecise = quoteLiteral(`\\.\\d{${scale}}\\d*[1-9]`);
  const message = quoteLiteral(`value has more decimals than ${type.trim()} keeps in column ${name}: `);
  return `CASE WHEN regexp_matches(${column}, ${tooPrecise}) THEN error(${message} || ${column}) ELSE ${cast} END`;
}
