import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ExecutionError } from '../../errors.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import { copyTo } from '../export-file-writer.js';
import { revenueDetailQuery } from './revenue-detail-query.js';
import type { HeaderBlock } from './revenue-detail-xlsx.js';

export type RevenueDetailFormat = 'csv' | 'xlsx';

export interface RevenueDetailRequest {
  /** The accounting period (YYYYMM) the report is for: closed, current or future. */
  readonly period: number;
  readonly format: RevenueDetailFormat;
  /** Where the report goes; written to a temporary sibling and renamed when complete. */
  readonly outPath: string;
  /** "Report Generated" (XLSX header). */
  readonly generatedAt: Date;
  /** Who asked for it (XLSX header), e.g. the OS user. */
  readonly generatedBy: string;
}

export interface RevenueDetailOutcome {
  readonly path: string;
  readonly rows: number;
  readonly columns: number;
  readonly laterPeriods: readonly number[];
}

/**
 * The revenue detail report (seed 003) for one period, on demand: CSV through DuckDB `COPY`, or XLSX with the report
 * header block (Accounting Period Name, Period, Home Currency, Deferred Revenue Account and its type, Report
 * Generated) through exceljs' streaming writer. One row per contract line; see `revenue-detail-query.ts`.
 */
export async function writeRevenueDetail(wh: Warehouse, request: RevenueDetailRequest): Promise<RevenueDetailOutcome> {
  for (const model of ['exp_revenue_detail_lines', 'exp_line_revenue']) {
    if (!(await wh.relationExists('exports', model))) throw new ExecutionError(`exports.${model} does not exist`, { hint: 'run revrec build first' });
  }
  const later = (
    await wh.rows<{ p: number }>('SELECT DISTINCT actg_period AS p FROM exports.exp_line_revenue WHERE actg_period > $1 ORDER BY 1', [request.period])
  ).map((r) => Number(r.p));
  await mkdir(dirname(request.outPath), { recursive: true });
  if (request.format === 'csv') {
    const query = revenueDetailQuery(request.period, later, { rowDecimals: false });
    const rows = await copyTo(wh, query.sql, 'csv', request.outPath);
    return { path: request.outPath, rows, columns: query.columns.length, laterPeriods: later };
  }
  const query = revenueDetailQuery(request.period, later, { rowDecimals: true });
  const [settings] = await wh.rows<{ home_currency: string; home_minor_unit: number | null; deferred_account: string | null }>(
    `SELECT s.home_currency, s.home_minor_unit, (SELECT max(account_id) FROM intermediate.int_gl_accounts WHERE account_type = 'Deferred Revenue') AS deferred_account
     FROM intermediate.int_settings AS s`,
  );
  const year = Math.floor(request.period / 100);
  const month = request.period % 100;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const mm = String(month).padStart(2, '0');
  const header: HeaderBlock = [
    ['Accounting Period Name', String(request.period)],
    ['Period', `${year}-${mm}-01 to ${year}-${mm}-${String(lastDay).padStart(2, '0')}`],
    ['Home Currency', settings?.home_currency ?? ''],
    ['Deferred Revenue Account', settings?.deferred_account ?? ''],
    ['Deferred Revenue Account Type', 'Deferred Revenue'],
    ['Report Generated', `${request.generatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z')} by ${request.generatedBy}`],
  ];
  const temp = join(dirname(request.outPath), `.${basename(request.outPath)}.part`);
  // exceljs (about 0.25 s to load) only for this report, not for every CLI command
  const { RevenueDetailXlsxWriter } = await import('./revenue-detail-xlsx.js');
  const writer = new RevenueDetailXlsxWriter(temp, query.columns, header, settings?.home_minor_unit === null || settings?.home_minor_unit === undefined ? 2 : Number(settings.home_minor_unit));
  try {
    const result = await wh.connection.stream(query.sql);
    for await (const rows of result.yieldRowsJson()) {
      for (const row of rows) {
        const values = row.slice(0, query.columns.length).map((v) => (v === null ? null : String(v)));
        writer.addRow(values, Number(row[query.columns.length]));
      }
    }
    await writer.finish();
    await rename(temp, request.outPath);
  } catch (error) {
    // Release the workbook's file stream before removing the partial file.
    await writer.finish().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  return { path: request.outPath, rows: writer.rows, columns: query.columns.length, laterPeriods: later };
}
