import type { OrderShape } from './order-builder.js';
import type { SampleCurrency } from './product-catalogue.js';

/**
 * The deliberate cases of the demo company. Each takes one sales order "slot" (the order at that index carries the
 * case), spread evenly over the window so every month has a bit of everything. Plain orders get no case.
 */
export const SPECIAL_CASES = [
  'override',
  'split',
  'exclude_order',
  'iac_blank_item',
  'iac_excluded',
  'ivc_flow',
  'cm_flow',
  'cm_only',
  'line_ssp',
  'line_ssp_zero',
  'ref_invoice',
  'free_service',
] as const;

/** Cases that produce rows meant for the stage area (only with `badRows`). */
export const BAD_ROW_CASES = [
  'bad_order_missing_customer',
  'bad_order_date',
  'bad_order_quantity',
  'bad_order_currency',
  'bad_order_period',
  'missing_ssp',
  'future_order',
  'bad_inv_missing_currency',
  'bad_inv_date',
  'bad_inv_amount',
  'bad_inv_decimals',
  'bad_inv_currency',
  'bad_doc_type',
  'bad_iac_period',
  'unknown_line',
  'no_contract_line',
  'unknown_reference_ivc',
  'unknown_reference_cmc',
  'ivc_partial',
  'cmc_partial',
  'cm_exceeds',
  'bad_com_missing_date',
  'bad_com_amount',
  'bad_com_unknown_line',
  'bad_com_currency',
  'bad_split',
  'bad_override_dates',
  'gi_missing_txn',
  'gi_bad_date',
  'gi_bad_amount',
] as const;

export type SpecialCase = (typeof SPECIAL_CASES)[number];
export type BadRowCase = (typeof BAD_ROW_CASES)[number];
export type CaseKind = SpecialCase | BadRowCase;

export interface CasePlan {
  /** Order index → its case. */
  readonly slots: ReadonlyMap<number, CaseKind>;
  /** Cases left out because there were fewer orders than cases. */
  readonly omitted: readonly CaseKind[];
}

/**
 * Places the cases on order indexes `0 … orderCount-1`: specials evenly, bad-row cases evenly and interleaved; a
 * collision moves to the next free index. With fewer orders than cases the rest are omitted (and reported).
 */
export function planCases(orderCount: number, badRows: boolean): CasePlan {
  const slots = new Map<number, CaseKind>();
  const omitted: CaseKind[] = [];
  const place = (kinds: readonly CaseKind[]): void => {
    kinds.forEach((kind, k) => {
      const desired = Math.floor(((2 * k + 1) * orderCount) / (2 * kinds.length));
      let at = desired;
      while (at < orderCount && slots.has(at)) at++;
      if (at >= orderCount) {
        at = desired;
        while (at >= 0 && slots.has(at)) at--;
      }
      if (at < 0 || at >= orderCount) omitted.push(kind);
      else slots.set(at, kind);
    });
  };
  place(SPECIAL_CASES);
  if (badRows) place(BAD_ROW_CASES);
  return { slots, omitted };
}

/** The order a case needs (so that, e.g., a split has lines to allocate between and is never FX-pending). */
export function shapeFor(kind: CaseKind | undefined, gapCurrency: SampleCurrency | null): OrderShape {
  if (kind === undefined) return {};
  const safe: OrderShape = { avoidCurrency: gapCurrency };
  const carrier: OrderShape = { ...safe, plan: 'annual_upfront', startOnOrderDay: true };
  switch (kind) {
    case 'override':
      return { ...safe, plan: 'annual_upfront' };
    case 'split':
    case 'bad_split':
      return { ...safe, minLines: 3, withService: true, discountFirstLine: true };
    case 'exclude_order':
      return { ...safe, minLines: 2 };
    case 'line_ssp':
      return { ...safe, minLines: 3, lineSsp: true };
    case 'line_ssp_zero':
    case 'missing_ssp':
      return { currency: 'JPY', minLines: 2, withNoSspProduct: true };
    case 'free_service':
      return { ...safe, minLines: 2, withService: true, freeService: true };
    case 'bad_order_missing_customer':
    case 'bad_order_date':
    case 'bad_order_quantity':
    case 'bad_order_currency':
    case 'bad_order_period':
      return { ...safe, minLines: 3 };
    case 'future_order':
      return { ...safe, startOnOrderDay: true };
    case 'bad_inv_decimals':
      return { ...carrier, currency: 'JPY' };
    case 'iac_blank_item':
    case 'iac_excluded':
    case 'ivc_flow':
    case 'cm_flow':
    case 'cm_only':
    case 'ref_invoice':
    case 'bad_inv_missing_currency':
    case 'bad_inv_date':
    case 'bad_inv_amount':
    case 'bad_inv_currency':
    case 'bad_doc_type':
    case 'bad_iac_period':
    case 'unknown_line':
    case 'no_contract_line':
    case 'unknown_reference_ivc':
    case 'unknown_reference_cmc':
    case 'ivc_partial':
    case 'cmc_partial':
    case 'cm_exceeds':
    case 'bad_com_missing_date':
    case 'bad_com_amount':
    case 'bad_com_unknown_line':
    case 'bad_com_currency':
    case 'bad_override_dates':
    case 'gi_missing_txn':
    case 'gi_bad_date':
    case 'gi_bad_amount':
      return carrier;
    default:
      throw new Error(`Unexpected case ${String(kind)}`);
  }
}
