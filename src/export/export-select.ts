import { quoteIdent } from '../compile/node-ids.js';
import type { ColumnKind, ExportColumn } from './export-types.js';

export type ExportFormat = 'csv' | 'parquet';

/** 10^-s as a DECIMAL literal of scale s, so `x::DECIMAL(18,0) * lit` is an exact DECIMAL(18, s) (int64, fast). */
function scaleLiteral(scale: number): string {
  return scale === 0 ? 'CAST(1 AS DECIMAL(18,0))' : `CAST('0.${'0'.repeat(scale - 1)}1' AS DECIMAL(${scale + 1},${scale}))`;
}

/**
 * A minor-unit amount as text with exactly `minor_unit` decimals: `120.00`, `5000` (JPY), `-0.50`. Exact: each
 * branch is an int64 DECIMAL of a fixed scale printed by DuckDB.
 */
export function minorToText(expr: string, minorUnitExpr: string): string {
  const branches = [0, 1, 2, 3, 4].map((s) => `WHEN ${s} THEN CAST(CAST(${expr} AS DECIMAL(18,0)) * ${scaleLiteral(s)} AS VARCHAR)`);
  return `CASE ${minorUnitExpr} ${branches.join(' ')} END`;
}

/** A minor-unit amount as DECIMAL(18, scale) for Parquet, where scale ≥ every row's minor unit. */
export function minorToDecimal(expr: string, minorUnitExpr: string, scale: number): string {
  return `CAST(CAST(${expr} * CAST([1,10,100,1000,10000][${scale} - ${minorUnitExpr} + 1] AS BIGINT) AS DECIMAL(18,0)) * ${scaleLiteral(scale)} AS DECIMAL(18,${scale}))`;
}

/** A value scaled by 10^6 as the shortest exact decimal text (`10`, `2.5`). */
function e6ToShortText(expr: string): string {
  return `rtrim(rtrim(CAST(CAST(${expr} AS DECIMAL(18,0)) * ${scaleLiteral(6)} AS VARCHAR), '0'), '.')`;
}

/** A unit price scaled by 10^6 with at least the currency's decimals, more only when the price has them. */
function e6ToPriceText(expr: string, minorUnitExpr: string): string {
  const needed = `CASE WHEN ${expr} % 1000000 = 0 THEN 0 WHEN ${expr} % 100000 = 0 THEN 1 WHEN ${expr} % 10000 = 0 THEN 2 WHEN ${expr} % 1000 = 0 THEN 3 WHEN ${expr} % 100 = 0 THEN 4 WHEN ${expr} % 10 = 0 THEN 5 ELSE 6 END`;
  const keep = `greatest(${minorUnitExpr}, ${needed})`;
  const full = `CAST(CAST(${expr} AS DECIMAL(18,0)) * ${scaleLiteral(6)} AS VARCHAR)`;
  return `rtrim(left(${full}, length(${full}) - (6 - ${keep})), '.')`;
}

export interface SelectOptions {
  readonly format: ExportFormat;
  /** Parquet: the DECIMAL scale of amount columns (the largest minor unit among the rows written). */
  readonly amountScale: number;
  /** Add the `Version` column (continuous export). */
  readonly withVersion: boolean;
}

/** The expression that writes one column in a format, from the export model's typed value. */
export function columnExpression(column: ExportColumn, options: SelectOptions): string {
  const v = quoteIdent(column.name);
  const mu = quoteIdent('_amount_minor_unit');
  const csv = options.format === 'csv';
  const kind: ColumnKind = column.kind;
  switch (kind) {
    case 'text':
      return `CAST(${v} AS VARCHAR)`;
    case 'period':
      return csv ? `CAST(${v} AS VARCHAR)` : `CAST(${v} AS INTEGER)`;
    case 'date':
      return csv ? `strftime(${v}, '%Y-%m-%d')` : `CAST(${v} AS DATE)`;
    case 'amount':
      return csv ? minorToText(v, mu) : minorToDecimal(v, mu, options.amountScale);
    case 'bool':
      return csv ? `CASE WHEN ${v} THEN 'true' WHEN NOT ${v} THEN 'false' END` : `CAST(${v} AS BOOLEAN)`;
    case 'quantity':
      return csv ? e6ToShortText(v) : `CAST(CAST(${v} AS DECIMAL(18,0)) * ${scaleLiteral(6)} AS DECIMAL(18,6))`;
    case 'price':
      return csv ? e6ToPriceText(v, mu) : `CAST(CAST(${v} AS DECIMAL(18,0)) * ${scaleLiteral(6)} AS DECIMAL(18,6))`;
    case 'duration':
      return csv ? minorToText(v, '2') : `CAST(CAST(${v} AS DECIMAL(18,0)) * ${scaleLiteral(2)} AS DECIMAL(18,2))`;
    case 'version':
      return `CAST(${v} AS BIGINT)`;
    case 'timestamp':
      return csv ? `strftime(${v}, '%Y-%m-%dT%H:%M:%SZ')` : `CAST(${v} AS TIMESTAMP)`;
    default:
      throw new Error(`Unexpected column kind ${String(kind)}`);
  }
}

/** `SELECT <columns in export order> FROM <source> [WHERE …] ORDER BY …` for one export file. */
export function exportSelect(columns: readonly ExportColumn[], source: string, where: string | undefined, orderBy: readonly string[], options: SelectOptions): string {
  const list = [...columns, ...(options.withVersion ? [{ name: 'Version', kind: 'version' as const }] : [])]
    .map((col) => `${columnExpression(col, options)} AS ${quoteIdent(col.name)}`)
    .join(',\n  ');
  const order = orderBy.length ? `\nORDER BY ${orderBy.map((o) => `${quoteIdent(o)} NULLS FIRST`).join(', ')}` : '';
  return `SELECT\n  ${list}\nFROM ${source}${where ? `\nWHERE ${where}` : ''}${order}`;
}
