import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { quoteIdent, quoteLiteral } from '../compile/node-ids.js';
import { ExecutionError } from '../errors.js';
import { formatScaled, pow10 } from '../finance/money.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { hashFile } from './file-hash.js';
import { exportSelect } from './export-select.js';
import type { ExportFormat } from './export-select.js';
import { FROZEN_SNAPSHOTS } from './export-types.js';
import type { ExportType, ExportTypeName } from './export-types.js';

/** One file an export run wrote locally, as the manifest and `meta.export_files` describe it. */
export interface WrittenFile {
  readonly name: string;
  readonly type: ExportTypeName | 'manifest';
  readonly format: ExportFormat | 'json';
  /** Local path (in the run's staging folder). */
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  /** Per amount column, the exact sum of the values as written (decimal text with the run's amount scale). */
  readonly controlTotals: Readonly<Record<string, string>>;
}

export interface WriteTypeRequest {
  readonly type: ExportType;
  /**
   * A relation (or parenthesized subquery) with the rows typed as the `exports.exp_*` models type them (amounts in
   * minor units with `_amount_minor_unit`; plus `Version` when withVersion): an export model, or a temp table the
   * continuous export staged.
   */
  readonly source: string;
  /** Filter on the source (the close-period export's period). */
  readonly where?: string;
  readonly formats: readonly ExportFormat[];
  /** The staging folder of the run. */
  readonly dir: string;
  readonly fileName: (format: ExportFormat) => string;
  readonly withVersion: boolean;
  /** Decimals of amounts in Parquet and of control totals: at least every row's minor unit (see {@link amountScaleOf}). */
  readonly amountScale: number;
}

/** The files of one type: the DuckDB work is done when this resolves; each file resolves once hashed. */
export interface PendingFiles {
  readonly files: readonly Promise<WrittenFile>[];
}

const CSV_OPTIONS = "FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"'";
const PARQUET_OPTIONS = 'FORMAT parquet, COMPRESSION zstd';

type TotalsRow = { mu: number | null; [total: `t${number}`]: string | null };

/** Per-minor-unit sums → one exact total per column as text with the run's amount scale (no row has more decimals). */
function scaleTotals(rows: readonly TotalsRow[], amounts: readonly string[], scale: number): Record<string, string> {
  const totals: Record<string, string> = {};
  amounts.forEach((a, i) => {
    let sum = 0n;
    for (const row of rows) {
      const value = row[`t${i}`];
      if (value === null || value === undefined) continue;
      const mu = Number(row.mu ?? scale);
      if (mu > scale) throw new Error(`Unexpected: a ${a} amount has ${mu} decimals, more than the run's ${scale}`);
      sum += BigInt(value) * pow10(scale - mu);
    }
    totals[a] = formatScaled(sum, scale);
  });
  return totals;
}

/**
 * Writes one export type in each format with DuckDB `COPY` of the export SELECT straight from the source (never a JS
 * writer), to a hidden temporary name renamed when complete. Each file is hashed in Node while DuckDB goes on.
 *
 * Control totals are the exact sums of the amount columns over the rows written: read back from the Parquet file when
 * one is written (columnar decimals: cheap), otherwise an integer aggregate over the same source. Both were measured
 * cheaper than staging the rows in a temp table first; reading a CSV back was not.
 */
export async function writeTypeFiles(wh: Warehouse, request: WriteTypeRequest): Promise<PendingFiles> {
  const { type, source } = request;
  const written: { name: string; format: ExportFormat; path: string; rows: number; hash: Promise<{ sha256: string; bytes: number }> }[] = [];
  for (const format of request.formats) {
    const name = request.fileName(format);
    const path = join(request.dir, name);
    const select = exportSelect(type.columns, source, request.where, type.orderBy, { format, amountScale: request.amountScale, withVersion: request.withVersion });
    const rows = await copyTo(wh, select, format, path);
    const hash = hashFile(path);
    // Handled here so a failed hash never goes unobserved while DuckDB writes the next file; awaited below.
    hash.catch(() => undefined);
    written.push({ name, format, path, rows, hash });
  }
  const amounts = type.columns.filter((c) => c.kind === 'amount').map((c) => c.name);
  const parquet = written.find((f) => f.format === 'parquet');
  let controlTotals: Record<string, string> = {};
  if (amounts.length && parquet) {
    const [row] = await wh.rows<Record<string, string>>(
      `SELECT ${amounts.map((a, i) => `CAST(coalesce(sum(${quoteIdent(a)}), 0) AS VARCHAR) AS t${i}`).join(', ')} FROM read_parquet(${quoteLiteral(parquet.path)})`,
    );
    controlTotals = Object.fromEntries(amounts.map((a, i) => [a, formatScaled(parseScaled(row![`t${i}`]!, request.amountScale), request.amountScale)]));
  } else if (amounts.length) {
    // Per minor unit, plain integer sums; scaled to the run's decimals in TypeScript with bigint.
    const rows = await wh.rows<TotalsRow>(
      `SELECT _amount_minor_unit AS mu, ${amounts.map((a, i) => `CAST(sum(${quoteIdent(a)}) AS VARCHAR) AS t${i}`).join(', ')} FROM ${source}${request.where ? ` WHERE ${request.where}` : ''} GROUP BY _amount_minor_unit`,
    );
    controlTotals = scaleTotals(rows, amounts, request.amountScale);
  }
  return {
    files: written.map((f) =>
      f.hash.then(({ sha256, bytes }) => ({ name: f.name, type: type.name, format: f.format, path: f.path, rows: f.rows, bytes, sha256, controlTotals })),
    ),
  };
}

/** Decimal text (`-12.5`, `0`) as a count of 10^-scale (exact: it never has more decimals than `scale`). */
function parseScaled(text: string, scale: number): bigint {
  const [whole, fraction = ''] = text.split('.');
  if (fraction.length > scale) throw new Error(`Unexpected: ${text} has more than ${scale} decimals`);
  const negative = whole!.startsWith('-');
  const digits = `${negative ? whole!.slice(1) : whole}${fraction.padEnd(scale, '0')}`;
  return BigInt(digits) * (negative ? -1n : 1n);
}

/**
 * The decimals of Parquet amounts for a run: the largest minor unit among the home currency and every currency the
 * books hold (lines, documents, frozen rows), so every row's amount fits exactly and every file of a run shares one
 * schema (usually DECIMAL(18,2)).
 */
export async function amountScaleOf(wh: Warehouse): Promise<number> {
  const sources = [
    'SELECT home_minor_unit AS mu FROM intermediate.int_settings',
    'SELECT max(minor_unit) FROM intermediate.int_contract_lines',
    'SELECT max(minor_unit) FROM intermediate.int_documents',
    'SELECT max(minor_unit) FROM meta.frozen_line_periods',
    ...FROZEN_SNAPSHOTS.map((table) => `SELECT max(_amount_minor_unit) FROM meta.${table}`),
  ];
  const value = await wh.scalar<number | null>(`SELECT max(mu) FROM (${sources.join(' UNION ALL ')})`);
  return value === null || value === undefined ? 2 : Number(value);
}

/** `COPY (select) TO path` through a temporary sibling, so the final name only ever holds a complete file. */
export async function copyTo(wh: Warehouse, select: string, format: ExportFormat, path: string): Promise<number> {
  const temp = join(dirname(path), `.${basename(path)}.part`);
  try {
    const count = await wh.run(`COPY (\n${select}\n) TO ${quoteLiteral(temp)} (${format === 'csv' ? CSV_OPTIONS : PARQUET_OPTIONS})`);
    await rename(temp, path);
    return count;
  } catch (error) {
    await rm(temp, { force: true });
    throw new ExecutionError(`writing ${basename(path)} failed: ${(error as Error).message}`, { location: { file: path }, cause: error });
  }
}
