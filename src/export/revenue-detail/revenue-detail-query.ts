import { quoteIdent } from '../../compile/node-ids.js';
import { amountText, rateText, ROUNDING_SCALE, roundingText } from './revenue-detail-sql.js';

/** How a report column is shown: XLSX uses it for the cell type and number format; CSV shows the text. */
export type DetailColumnKind = 'text' | 'date' | 'txn' | 'home' | 'rounding' | 'rate';

export interface DetailColumn {
  /** Header as in seed 003. */
  readonly header: string;
  readonly kind: DetailColumnKind;
  /** SQL producing the cell as text (exact decimals, YYYY-MM-DD dates, NULL for empty) from the joined row `j`. */
  readonly sql: string;
}

/** The query behind one report, for a period and the later periods the books hold revenue for. */
export interface DetailQuery {
  readonly columns: readonly DetailColumn[];
  /** SELECT of every column as text (plus `_txn_mu`, the row's transaction decimals, with rowDecimals), in report order. */
  readonly sql: string;
}

const t = (header: string, sql: string): DetailColumn => ({ header, kind: 'text', sql });
const d = (header: string, sql: string): DetailColumn => ({ header, kind: 'date', sql: `strftime(${sql}, '%Y-%m-%d')` });
const txn = (header: string, minor: string): DetailColumn => ({ header, kind: 'txn', sql: amountText(minor, 'j.minor_unit') });
const home = (header: string, minor: string): DetailColumn => ({ header, kind: 'home', sql: amountText(minor, 'j.home_minor_unit') });
const rounding = (header: string, txnMinor: string, homeMinor: string): DetailColumn => ({
  header,
  kind: 'rounding',
  sql: roundingText(txnMinor, homeMinor, 'j.rate_num', 'j.rate_den', 'j.home_minor_unit'),
});

/** One measure in transaction currency, home currency and its rounding (seed 003's triple). */
function triple(label: string, txnMinor: string, homeMinor: string, txnLabel = label): DetailColumn[] {
  return [txn(txnLabel, txnMinor), home(`${label} (Home Currency)`, homeMinor), rounding(`${label} Currency Rounding`, txnMinor, homeMinor)];
}

/**
 * The revenue detail report of seed 003 for `period`: one row per contract line booked by the period's end (or with
 * revenue up to it), with the columns the warehouse has data for. Revenue by period comes from
 * `exports.exp_line_revenue` (closed periods frozen, current catch-up, future schedule); `laterPeriods` are the
 * periods after `period` that hold revenue, one transaction and one home column each.
 */
export function revenueDetailQuery(period: number, laterPeriods: readonly number[], options: { rowDecimals: boolean }): DetailQuery {
  const sums = [
    `sum(revenue_txn) AS all_txn`,
    `sum(revenue_home) AS all_home`,
    `sum(revenue_txn) FILTER (WHERE actg_period < ${period}) AS prior_txn`,
    `sum(revenue_home) FILTER (WHERE actg_period < ${period}) AS prior_home`,
    `sum(revenue_txn) FILTER (WHERE actg_period = ${period}) AS in_txn`,
    `sum(revenue_home) FILTER (WHERE actg_period = ${period}) AS in_home`,
    `sum(revenue_txn) FILTER (WHERE actg_period > ${period}) AS after_txn`,
    `sum(revenue_home) FILTER (WHERE actg_period > ${period}) AS after_home`,
    ...laterPeriods.flatMap((p) => [`sum(revenue_txn) FILTER (WHERE actg_period = ${p}) AS p${p}_txn`, `sum(revenue_home) FILTER (WHERE actg_period = ${p}) AS p${p}_home`]),
  ];
  const z = (c: string) => `coalesce(j.${c}, 0)`;
  const year = Math.floor(period / 100);
  const month = period % 100;
  const start = `make_date(${year}, ${month}, 1)`;
  const columns: DetailColumn[] = [
    t('Customer Account Number', 'j.customer_id'),
    t('Customer Account Currency', 'j.currency'),
    d('Transaction Date', 'j.booked_date'),
    t('Transaction Type', 'j.transaction_type'),
    t('Transaction Number', 'j.transaction_number'),
    t('Transaction ID', 'j.sales_order_item_id'),
    txn('Transaction Amount', 'j.booking_minor'),
    ...triple('Transaction Impact Amount', 'j.allocated_minor', 'j.allocated_home', 'Transaction Impact Amount (Transaction Currency)'),
    d('Transaction Service Period Start', 'j.service_start_date'),
    d('Transaction Service Period End', 'j.service_end_date'),
    t('Product', 'j.product_name'),
    t('Product Code', 'j.product_code'),
    d('Revenue Schedule Date', 'j.booked_date'),
    t('Revenue Schedule', `'RS-' || j.line_key`),
    ...triple('Revenue Schedule Amount', 'j.schedule_minor', 'j.schedule_home', 'Revenue Schedule Amount (Transaction Currency)'),
    t('Deferred Revenue Accounting Code', 'j.deferred_account'),
    t('Deferred Revenue Accounting Code Type', `'Deferred Revenue'`),
    t('Recognized Revenue Accounting Code', 'j.revenue_account'),
    t('Recognized Revenue Accounting Code Type', `'Revenue'`),
    t('Home Currency', 'j.home_currency'),
    { header: 'Exchange Rate', kind: 'rate', sql: `CASE WHEN j.same_currency THEN '1' ELSE ${rateText('j.rate_num', 'j.rate_den', 'j.minor_unit', 'j.home_minor_unit')} END` },
    d('Exchange Rate Date', 'j.rate_date'),
    t('Accounting Period Name', `'${period}'`),
    d('Accounting Period Start', start),
    d('Accounting Period End', `last_day(${start})`),
    ...triple('Recognized in All Accounting Periods', z('all_txn'), z('all_home')),
    ...triple('Recognized prior to this Accounting Period', z('prior_txn'), z('prior_home')),
    ...triple('Recognized in this Accounting Period', z('in_txn'), z('in_home')),
    ...triple('Recognized after this Accounting Period', z('after_txn'), z('after_home')),
    ...laterPeriods.flatMap((p) => [txn(String(p), z(`p${p}_txn`)), home(`${p} (Home Currency)`, z(`p${p}_home`))]),
  ];
  const sql = `WITH revenue AS (
  SELECT line_key, ${sums.join(',\n    ')}
  FROM exports.exp_line_revenue
  GROUP BY line_key
),
j AS (
  SELECT l.*, r.* EXCLUDE (line_key), l.currency = l.home_currency AS same_currency
  FROM exports.exp_revenue_detail_lines AS l
  LEFT JOIN revenue AS r USING (line_key)
)
SELECT
  ${columns.map((c) => `${c.sql} AS ${quoteIdent(c.header)}`).join(',\n  ')}${options.rowDecimals ? ',\n  j.minor_unit AS _txn_mu' : ''}
FROM j
WHERE j.booked_date <= last_day(${start}) OR coalesce(j.prior_txn, 0) <> 0 OR coalesce(j.in_txn, 0) <> 0
ORDER BY j.transaction_number NULLS FIRST, j.sales_order_item_id, j.line_key`;
  return { columns, sql };
}

/** Excel number formats for the amount kinds (transaction decimals vary by row). */
export function numberFormat(kind: DetailColumnKind, decimals: number): string | undefined {
  switch (kind) {
    case 'txn':
    case 'home':
      return decimals === 0 ? '#,##0' : `#,##0.${'0'.repeat(decimals)}`;
    case 'rounding':
      return `0.${'0'.repeat(ROUNDING_SCALE)}`;
    case 'rate':
      return `0.${'#'.repeat(ROUNDING_SCALE)}`;
    case 'date':
      return 'yyyy-mm-dd';
    case 'text':
      return undefined;
    default:
      throw new Error(`Unexpected column kind ${String(kind)}`);
  }
}
