/**
 * Compares what the SQL models report with what the oracle (tests/oracle) computes for the same data and period
 * state, and lists every difference as (what, line, period, column, SQL value, oracle value). Lines are matched by
 * the oracle's line key, which is the SQL `sales_order_item_id` (order item, `T[:S]` of an external line, or the
 * item/invoice number of an invoice-as-contract line).
 */
import type { Measures, OracleResult, ReportedRow } from '../../oracle/oracle-types.js';
import type { SqlSnapshot } from './sql-snapshot.js';

/** One disagreement. `sql`/`oracle` are printed as given ("—" = no such row). */
export interface Difference {
  readonly what: 'line' | 'row' | 'journal' | 'schedule' | 'stage' | 'build';
  readonly line: string;
  readonly period: number | null;
  readonly column: string;
  readonly sql: string;
  readonly oracle: string;
}

/** Oracle measure → `fct_line_periods` column stem (`<stem>_txn`, `<stem>_home`). */
export const MEASURE_COLUMNS: ReadonlyArray<readonly [keyof Measures, string]> = [
  ['booking', 'booking'],
  ['beginningUnearned', 'beg_unearned'],
  ['newBilling', 'new_billing'],
  ['revenue', 'revenue'],
  ['contra', 'revenue_contra'],
  ['ordinary', 'revenue_ordinary'],
  ['foreignCurrencyChange', 'fcc'],
  ['adjustment', 'adjustment'],
  ['endingUnearned', 'end_unearned'],
  ['beginningUnbilled', 'beg_unbilled'],
  ['endingUnbilled', 'end_unbilled'],
  ['beginningBacklog', 'beg_backlog'],
  ['newBooking', 'new_booking'],
  ['endingBacklog', 'end_backlog'],
  ['beginningDeferredExpense', 'beg_deferred_expense'],
  ['newCommissions', 'new_commissions'],
  ['amortization', 'commission_amortization'],
  ['endingDeferredExpense', 'end_deferred_expense'],
];

const NONE = '—';
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** Multiset difference of two string lists: entries only in `a`. */
function onlyIn(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = counts.get(x) ?? 0;
    if (n > 0) counts.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

function compareLines(oracle: OracleResult, sql: SqlSnapshot, out: Difference[]): void {
  const sqlLines = new Map(sql.lines.map((l) => [l.key, l]));
  for (const line of oracle.lines) {
    const s = sqlLines.get(line.key);
    if (!s) {
      out.push({ what: 'line', line: line.key, period: null, column: '(line)', sql: NONE, oracle: `${line.kind} ${line.currency} ${line.allocated}` });
      continue;
    }
    sqlLines.delete(line.key);
    const parts = line.recognition.map((p) => `${p.startDate}..${p.endDate}:${p.amount}`).sort().join(' ');
    const expected: Record<string, string> = {
      kind: line.kind === 'external' ? 'general' : line.kind,
      sales_order_id: line.salesOrderId,
      reference_invoice_number: line.referenceInvoiceNumber,
      product_id: line.productId,
      product_code: line.productCode,
      product_name: line.productName,
      customer_id: line.customerId,
      currency: line.currency,
      contract_date: line.contractDate,
      booking: String(line.booking),
      allocated: String(line.allocated),
      method: line.method,
      service_start: line.serviceStartDate,
      service_end: line.serviceEndDate,
      duration_hundredths: String(line.durationHundredths),
      fx_pending: String(line.fxPending),
      recognition_parts: parts,
    };
    for (const [column, value] of Object.entries(expected)) {
      const actual = s.fields[column] ?? '';
      if (actual !== value) out.push({ what: 'line', line: line.key, period: null, column, sql: actual, oracle: value });
    }
  }
  for (const key of sqlLines.keys()) out.push({ what: 'line', line: key, period: null, column: '(line)', sql: 'in the books', oracle: NONE });
}

function rowKey(line: string, period: number): string {
  return `${line}@${period}`;
}

/** `<kind>:<key>` of an oracle row (the SQL snapshot names lines the same way). */
function oracleLine(row: ReportedRow): string {
  return `${row.lineKind}:${row.lineKey}`;
}

function compareRows(oracle: OracleResult, sql: SqlSnapshot, out: Difference[]): void {
  const reported = oracle.rows.filter((r) => r.status !== 'future');
  const oracleRows = new Map<string, ReportedRow>(reported.map((r) => [rowKey(oracleLine(r), r.period), r]));
  const sqlRows = new Map(sql.linePeriods.map((r) => [rowKey(r.line, r.period), r]));
  for (const key of new Set([...oracleRows.keys(), ...sqlRows.keys()])) {
    const o = oracleRows.get(key);
    const s = sqlRows.get(key);
    const line = o ? oracleLine(o) : s!.line;
    const period = o?.period ?? s!.period;
    if (!o || !s) {
      const nonZero = (o ? MEASURE_COLUMNS.flatMap(([m, c]) => [`${c}_txn=${o.txn[m]}`, `${c}_home=${o.home[m]}`]) : Object.entries(s!.amounts).map(([c, v]) => `${c}=${v}`))
        .filter((t) => !t.endsWith('=0') && !t.startsWith('booking'))
        .join(' ');
      out.push({ what: 'row', line, period, column: '(row)', sql: s ? nonZero || 'row of zeros' : NONE, oracle: o ? nonZero || 'row of zeros' : NONE });
      continue;
    }
    for (const [measure, stem] of MEASURE_COLUMNS) {
      for (const view of ['txn', 'home'] as const) {
        const column = `${stem}_${view}`;
        const expected = o[view][measure];
        const actual = s.amounts[column];
        if (actual !== expected) out.push({ what: 'row', line, period, column, sql: str(actual), oracle: String(expected) });
      }
    }
    const oracleJournal = o.journal.map((j) => `${j.accountType} Dr ${j.debit} Cr ${j.credit} class=${j.class}`).sort();
    const sqlJournal = (sql.journals.get(key) ?? []).slice().sort();
    for (const extra of onlyIn(sqlJournal, oracleJournal)) out.push({ what: 'journal', line, period, column: 'journal', sql: extra, oracle: NONE });
    for (const missing of onlyIn(oracleJournal, sqlJournal)) out.push({ what: 'journal', line, period, column: 'journal', sql: NONE, oracle: missing });
  }
  for (const [key, lines] of sql.journals) {
    if (oracleRows.has(key) || sqlRows.has(key)) continue;
    const [line, period] = key.split('@');
    for (const extra of lines) out.push({ what: 'journal', line: line!, period: Number(period), column: 'journal', sql: extra, oracle: NONE });
  }
}

function compareSchedule(oracle: OracleResult, sql: SqlSnapshot, out: Difference[]): void {
  const expected = new Map<string, string>();
  for (const row of oracle.rows) {
    if (row.status === 'closed') continue;
    if (row.txn.revenue === 0n && row.home.revenue === 0n) continue;
    expected.set(rowKey(oracleLine(row), row.period), `${row.txn.revenue}/${row.home.revenue}${row.status === 'current' ? ' catch-up' : ''}`);
  }
  const actual = new Map(sql.schedule.map((r) => [rowKey(r.line, r.period), `${r.revenueTxn}/${r.revenueHome}${r.catchUp ? ' catch-up' : ''}`]));
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const o = expected.get(key) ?? NONE;
    const s = actual.get(key) ?? NONE;
    if (o !== s) {
      const [line, period] = key.split('@');
      out.push({ what: 'schedule', line: line!, period: Number(period), column: 'revenue txn/home', sql: s, oracle: o });
    }
  }
}

function compareStage(oracle: OracleResult, sql: SqlSnapshot, out: Difference[]): void {
  const o = oracle.stage.map((e) => `${e.type} ${e.key} ${e.code} ${e.status}`);
  const s = sql.stage.map((e) => `${e.type} ${e.key} ${e.code} ${e.status}`);
  for (const extra of onlyIn(s, o)) out.push({ what: 'stage', line: extra.split(' ')[1]!, period: null, column: 'stage entry', sql: extra, oracle: NONE });
  for (const missing of onlyIn(o, s)) out.push({ what: 'stage', line: missing.split(' ')[1]!, period: null, column: 'stage entry', sql: NONE, oracle: missing });
}

/** Every difference between the SQL snapshot and the oracle's result. */
export function compareLedgers(oracle: OracleResult, sql: SqlSnapshot): Difference[] {
  const out: Difference[] = [];
  if (sql.currentPeriod !== oracle.currentPeriod) {
    out.push({ what: 'build', line: '', period: null, column: 'current period', sql: String(sql.currentPeriod), oracle: String(oracle.currentPeriod) });
  }
  compareLines(oracle, sql, out);
  compareRows(oracle, sql, out);
  compareSchedule(oracle, sql, out);
  compareStage(oracle, sql, out);
  return out;
}

/** A readable table of differences (at most `limit`). */
export function formatDifferences(diffs: readonly Difference[], limit = 60): string {
  const header = ['what', 'line', 'period', 'column', 'SQL', 'oracle'];
  const rows = diffs.slice(0, limit).map((d) => [d.what, d.line, d.period === null ? '' : String(d.period), d.column, d.sql, d.oracle]);
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  const more = diffs.length > limit ? `\n… and ${diffs.length - limit} more` : '';
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(fmt)].join('\n') + more;
}
