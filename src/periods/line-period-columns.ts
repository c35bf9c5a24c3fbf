/**
 * The columns of `marts.fct_line_periods`, which a close copies into `meta.frozen_line_periods` (history) and
 * `meta.frozen_line_state` (latest per line). The model and these tables must agree; a data test checks it.
 * Amounts are BIGINT minor units.
 */
const AMOUNT_COLUMNS = [
  'beg_unearned', 'new_billing', 'revenue', 'revenue_contra', 'revenue_ordinary', 'fcc', 'adjustment', 'end_unearned',
  'beg_unbilled', 'end_unbilled',
].flatMap((m) => [`${m}_txn`, `${m}_home`]);

const BACKLOG_EXPENSE_COLUMNS = [
  'beg_backlog', 'new_booking', 'end_backlog',
  'beg_deferred_expense', 'new_commissions', 'commission_amortization', 'end_deferred_expense',
].flatMap((m) => [`${m}_txn`, `${m}_home`]);

const CUMULATIVE_COLUMNS = ['billing', 'revenue', 'contra', 'adjustment', 'booked', 'commissions', 'amortization'].flatMap((m) => [
  `cum_${m}_txn`,
  `cum_${m}_home`,
]);

export const LINE_PERIOD_COLUMNS: readonly (readonly [string, string])[] = [
  ['actg_period', 'INTEGER'],
  ['line_key', 'VARCHAR'],
  ['line_kind', 'VARCHAR'],
  ['sales_order_id', 'VARCHAR'],
  ['sales_order_item_id', 'VARCHAR'],
  ['reference_invoice_number', 'VARCHAR'],
  ['product_id', 'VARCHAR'],
  ['product_code', 'VARCHAR'],
  ['product_name', 'VARCHAR'],
  ['customer_id', 'VARCHAR'],
  ['contract_date', 'DATE'],
  ['currency', 'VARCHAR'],
  ['minor_unit', 'INTEGER'],
  ['home_currency', 'VARCHAR'],
  ['home_minor_unit', 'INTEGER'],
  ['booking_txn', 'BIGINT'],
  ['booking_home', 'BIGINT'],
  ...AMOUNT_COLUMNS.map((c) => [c, 'BIGINT'] as const),
  ...BACKLOG_EXPENSE_COLUMNS.map((c) => [c, 'BIGINT'] as const),
  ['commission_class', 'VARCHAR'],
  ...CUMULATIVE_COLUMNS.map((c) => [c, 'BIGINT'] as const),
  ['net_txn', 'BIGINT'],
  ['net_home', 'BIGINT'],
  ['line_version', 'BIGINT'],
];

export function lineperiodTableDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (\n  ${LINE_PERIOD_COLUMNS.map(([n, t]) => `${n} ${t}`).join(',\n  ')}\n)`;
}
