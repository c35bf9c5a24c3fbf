/**
 * The columns of `marts.fct_line_periods`, which a close copies into `meta.frozen_line_periods` (history), and the
 * part of them it keeps as each line's latest frozen state (`meta.frozen_line_state`, `LINE_STATE_COLUMNS`).
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

/**
 * What `marts.fct_line_current` reads of a line's latest frozen state: the line's attributes (a line that left the
 * books keeps them), its cumulative amounts (the base the current period catches up against) and its version, with
 * the period it was frozen in. The period movements and balances are history only (`frozen_line_periods`): keeping
 * them here too cost a close 0.4 s of writing at 1M lines.
 */
const LINE_STATE_NAMES = new Set([
  'actg_period', 'line_key', 'line_kind', 'sales_order_id', 'sales_order_item_id', 'reference_invoice_number', 'product_id',
  'product_code', 'product_name', 'customer_id', 'contract_date', 'currency', 'minor_unit', 'booking_txn', 'booking_home',
  'commission_class', ...CUMULATIVE_COLUMNS, 'net_txn', 'net_home', 'line_version',
]);
export const LINE_STATE_COLUMNS = LINE_PERIOD_COLUMNS.filter(([name]) => LINE_STATE_NAMES.has(name));

function tableDdl(table: string, columns: readonly (readonly [string, string])[]): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (\n  ${columns.map(([n, t]) => `${n} ${t}`).join(',\n  ')}\n)`;
}

export const lineperiodTableDdl = (table: string): string => tableDdl(table, LINE_PERIOD_COLUMNS);
export const lineStateTableDdl = (table: string): string => tableDdl(table, LINE_STATE_COLUMNS);

/** The state columns as a list for INSERT and SELECT. */
export const LINE_STATE_COLUMN_LIST = LINE_STATE_COLUMNS.map(([name]) => name).join(', ');
