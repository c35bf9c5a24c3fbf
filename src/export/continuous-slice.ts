import { quoteIdent } from '../compile/node-ids.js';
import { changedOrdersSql } from '../periods/change-log.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { ExportType, ExportTypeName } from './export-types.js';

/** The continuous export's name in meta.change_log_marks. */
export const CONTINUOUS_CONSUMER = 'continuous_export';

/** DuckDB variables the export views read (macro export_slice): unset, the views return every record. */
const ORDERS_VARIABLE = 'revrec_export_slice_orders';
const ITEMS_VARIABLE = 'revrec_export_slice_items';

/**
 * How each type's records are tied to orders, in exported columns: a record is in the slice when `nullColumn` is
 * NULL (lines outside any order: invoice-as-contract lines and their documents) or `column` is in the variable's
 * list. A grouped record (rollforward, revenue, deferred balance) groups lines of one Sales_Order_Id; a document
 * follows its order item. Journals have no entry: they are closed periods only, which change only with a close or
 * reopen, and then everything is compared.
 */
const SLICED: Partial<Record<ExportTypeName, { column: string; nullColumn: string; variable: string }>> = {
  unearned_revenue_rollforward: { column: 'Sales_Order_Id', nullColumn: 'Sales_Order_Id', variable: ORDERS_VARIABLE },
  revenue: { column: 'Sales_Order_Id', nullColumn: 'Sales_Order_Id', variable: ORDERS_VARIABLE },
  deferred_revenue_balance: { column: 'Sales_Order_Id', nullColumn: 'Sales_Order_Id', variable: ORDERS_VARIABLE },
  orders: { column: 'Sales_Order_Id', nullColumn: 'Sales_Order_Id', variable: ORDERS_VARIABLE },
  expenses: { column: 'Sales_Order_Id', nullColumn: 'Sales_Order_Id', variable: ORDERS_VARIABLE },
  revenue_backlog: { column: 'Sales_Order_Id', nullColumn: 'Sales_Order_Id', variable: ORDERS_VARIABLE },
  invoices: { column: 'Sales_Order_Item_Id', nullColumn: 'Sales_Order_Id', variable: ITEMS_VARIABLE },
};

/** A predicate over a type's delivered records (alias `s`), or `skip`: nothing of the type can have changed. */
export type RecordSlice = { readonly kind: 'skip' } | { readonly kind: 'where'; readonly predicate: (alias: string) => string };

export function recordSlice(type: ExportType): RecordSlice {
  const sliced = SLICED[type.name];
  if (!sliced) return { kind: 'skip' };
  return {
    kind: 'where',
    predicate: (alias) =>
      `(${alias}.${quoteIdent(sliced.nullColumn)} IS NULL OR ${alias}.${quoteIdent(sliced.column)} IN (SELECT unnest(getvariable('${sliced.variable}'))))`,
  };
}

/**
 * Narrows the export views to the records that can differ from what was last delivered, when only the orders in the
 * change log (since the continuous export's mark) were rebuilt: records of those orders (or their items; the change
 * log names an external general-import line by its Transaction_ID, its order id in the records, and an
 * invoice-as-contract line by its item id, which a document with a Sales_Order_Id may name) and records without an
 * order (invoice-as-contract lines, always in the slice through `nullColumn`). Everything else was built from the
 * same rows as when it was last compared. The lists go into session variables that the views read right after their
 * scans (macro export_slice), so the joins and aggregates above run on the slice only; an IN (subquery) on the views'
 * output would run after them. Run `clearExportSlice` when done.
 *
 * A delivered record whose order or line is gone is in the slice without a search for it: a line leaves the books
 * only when a build recomputes it (every other change logs everything), and a build's slice holds every order of
 * every version of each item it touches (int_rechain_scope), so the order an item left is logged with the one it
 * joined, and every external line whose key it touches (int_side_scope), so an external line that turned into an
 * order item's override is logged with the order. The search this replaced (every delivered record's order against
 * the order lines) took 0.3 s of a day at 1M lines.
 * Tests: tests/integration/export/continuous-export.test.ts (an item moving to another order) and the equivalence
 * tests, which compare every daily export with a comparison of everything.
 */
export async function setExportSlice(wh: Warehouse): Promise<void> {
  const list = async (variable: string, line: 'sales_order_id' | 'sales_order_item_id') => {
    await wh.run(
      `SET VARIABLE ${variable} = (
         WITH raw AS (SELECT DISTINCT ${line} AS v FROM (${changedOrdersSql(CONTINUOUS_CONSUMER)}))
         SELECT coalesce(list(DISTINCT v), CAST([] AS VARCHAR[])) FROM (
           SELECT v FROM raw
           -- the formula-injection guard (macro safe_text) may have prefixed an apostrophe to the delivered value
           UNION ALL SELECT '''' || v FROM raw WHERE regexp_matches(v, '^[=+\\-@\\t\\r]')
         )
       )`,
    );
  };
  await list(ORDERS_VARIABLE, 'sales_order_id');
  await list(ITEMS_VARIABLE, 'sales_order_item_id');
}

export async function clearExportSlice(wh: Warehouse): Promise<void> {
  await wh.run(`RESET VARIABLE ${ORDERS_VARIABLE}`);
  await wh.run(`RESET VARIABLE ${ITEMS_VARIABLE}`);
}
