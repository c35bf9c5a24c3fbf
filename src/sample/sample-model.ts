import type { Product, SampleCurrency } from './product-catalogue.js';

/**
 * The in-memory shape of one generated sales order and its documents, alive only while that order is written
 * (the generator streams: nothing here is kept across orders).
 */

/** Stage-area codes of inputs.md that the sample deliberately produces. */
export type StageCode =
  | 'MISSING_FIELD'
  | 'BAD_DATE'
  | 'BAD_NUMBER'
  | 'UNKNOWN_CURRENCY'
  | 'BAD_DOCUMENT_TYPE'
  | 'BAD_SERVICE_PERIOD'
  | 'MISSING_SSP'
  | 'UNKNOWN_LINE'
  | 'NO_CONTRACT_LINE'
  | 'UNKNOWN_REFERENCE'
  | 'IVC_PARTIAL'
  | 'CMC_PARTIAL'
  | 'CM_EXCEEDS_BILLED'
  | 'BAD_OVERRIDE'
  | 'FX_PENDING'
  | 'FUTURE_PERIOD'
  | 'EXCLUDED';

export type StageStatus = 'error' | 'held' | 'excluded';

/** The status inputs.md gives each code. */
export function statusOf(code: StageCode): StageStatus {
  switch (code) {
    case 'FX_PENDING':
    case 'FUTURE_PERIOD':
      return 'held';
    case 'EXCLUDED':
      return 'excluded';
    default:
      return 'error';
  }
}

/** A deliberate defect on one written row: `column` gets the raw text `value`. */
export interface RowDefect {
  readonly code: StageCode;
  readonly note: string;
  /** Canonical column whose text is replaced; absent when the row is fine but its context is wrong. */
  readonly column?: string;
  /** Raw cell text written instead of the good value. */
  readonly value?: string;
}

export type BillingPlan = 'annual_upfront' | 'quarterly_arrears' | 'monthly_arrears' | 'late_annual' | 'upfront_full';

export interface OrderLine {
  readonly itemId: string;
  readonly product: Product;
  readonly quantity: bigint;
  /** Minor units. */
  readonly listPrice: bigint;
  readonly showListPrice: boolean;
  /** Minor units. */
  readonly salePrice: bigint;
  /** Line-level SSP in minor units, written to the `SSP` column when defined. */
  lineSsp: bigint | undefined;
  readonly start: number;
  readonly end: number;
  /** `Quantity × Sale_Price`, minor units (exact: prices carry the currency's decimals). */
  readonly booking: bigint;
  /** Makes this one row bad (it is rejected alone); such lines get no documents or commissions. */
  defect?: RowDefect;
  /** Good text of the defective column, re-delivered later ("latest Version wins"). */
  correction?: string;
}

export interface SalesOrder {
  readonly id: string;
  readonly customerId: string;
  readonly orderDay: number;
  /** Day used to route rows into monthly delivery files (the order day clamped into the window). */
  routeDay: number;
  readonly currency: SampleCurrency;
  readonly termMonths: number;
  readonly plan: BillingPlan;
  readonly isNewCustomer: boolean;
  readonly lines: OrderLine[];
  referenceInvoice?: string;
  /** A defect of the whole order (MISSING_SSP, FUTURE_PERIOD): every line is staged, no documents are made. */
  wholeOrder?: RowDefect;
  excluded?: boolean;
}

export type DocumentType = 'INV' | 'IVC' | 'CM' | 'CMC';

export interface BillingDocument {
  readonly number: string;
  readonly type: DocumentType;
  readonly reference: string;
  readonly orderId: string;
  readonly itemId: string;
  readonly day: number;
  /** Minor units, positive. */
  readonly amount: bigint;
  readonly currency: SampleCurrency;
  readonly serviceStart?: number;
  readonly serviceEnd?: number;
  /** BS_CustomField02 … BS_CustomField10 */
  readonly custom: readonly string[];
  defect?: RowDefect;
  excluded?: boolean;
}

export interface CommissionRecord {
  readonly id: string;
  readonly orderId: string;
  readonly itemId: string;
  readonly day: number;
  readonly amount: bigint;
  readonly currency: SampleCurrency;
  readonly className: string;
  defect?: RowDefect;
  excluded?: boolean;
}

/** One general-import row (Stripe format, seed 004). Recognition end is exclusive. */
export interface GeneralImportRow {
  readonly source: string;
  readonly transactionId: string;
  readonly splitId: string;
  readonly booked?: number;
  readonly recognitionStart?: number;
  readonly recognitionEndExclusive?: number;
  readonly amount?: bigint;
  readonly currency?: SampleCurrency;
  /** Written instead of `currency` (Stripe uses lower case, which inputs.md accepts). */
  readonly currencyText?: string;
  readonly description: string;
  /** Day that routes the row and decides FX pending. */
  readonly routeDay: number;
  defect?: RowDefect;
}
