import type { Warehouse } from '../warehouse/warehouse.js';

/** What the build that just ran recomputed, as its `int_build_scope` table says. */
export interface BuiltScope {
  /** The models after staging were rebuilt in full. */
  readonly fullRechain: boolean;
  /** The current period moved since the previous complete build (a close or reopen). */
  readonly periodMoved: boolean;
  readonly currentPeriod: number;
}

/**
 * The orders (with every item) a daily build recomputed: those of int_rechain_scope and the lines of int_side_scope
 * (an external line's order id is its Transaction_ID). An invoice-as-contract line has no order id ('' here): its own
 * records are always compared, but a document naming its item id may carry a Sales_Order_Id, and is compared by item.
 */
export const RECOMPUTED_ORDERS_SQL = `SELECT sales_order_id, sales_order_item_id FROM intermediate.int_rechain_scope
  UNION ALL SELECT coalesce(line_order_id, ''), line_item_id FROM intermediate.int_side_scope WHERE line_item_id IS NOT NULL`;

/** The contract lines (line_key) a daily build recomputed: int_rechain_scope's order lines and int_side_scope's others. */
export const RECOMPUTED_LINES_SQL = `SELECT line_key FROM intermediate.int_rechain_scope WHERE line_key IS NOT NULL
  UNION SELECT line_key FROM intermediate.int_side_scope WHERE line_key IS NOT NULL`;

const SCOPE_TABLES = ['int_build_scope', 'int_rechain_scope', 'int_side_scope'];

/**
 * The scope of the build that just ran, or undefined when the project has no slices (no `int_build_scope`,
 * `int_rechain_scope` and `int_side_scope` tables: a project without the revrec chain, or a build that never got
 * that far). Read after the models ran, by the change log and the data-test slice.
 */
export async function readBuiltScope(wh: Warehouse): Promise<BuiltScope | undefined> {
  for (const table of SCOPE_TABLES) if (!(await wh.relationExists('intermediate', table))) return undefined;
  const [row] = await wh.rows<{ full_rechain: boolean; period_moved: boolean; current_period: number }>(
    'SELECT full_rechain, period_moved, current_period FROM intermediate.int_build_scope',
  );
  return row ? { fullRechain: row.full_rechain, periodMoved: row.period_moved, currentPeriod: Number(row.current_period) } : undefined;
}
