/**
 * Types of the reference ledger ("oracle"): typed, already-parsed input records, the configuration, the period
 * state kept between closes, and the reported numbers it produces. Amounts in outputs are bigint minor units.
 */
import type { DocumentType } from '../../src/finance/billing-documents.js';
import type { JournalLine } from '../../src/finance/journals.js';
import type { Rational, ScaledDecimal } from '../../src/finance/money.js';
import type { Period } from '../../src/finance/periods.js';
import type { RecognitionMethod } from '../../src/finance/recognition.js';

/** `YYYY-MM-DD`. */
export type IsoDate = string;

export interface OrderRecord {
  salesOrderId: string;
  salesOrderItemId: string;
  customerId: string;
  productId: string;
  orderDate: IsoDate;
  quantity: ScaledDecimal;
  listPrice?: ScaledDecimal | undefined;
  salePrice: ScaledDecimal;
  /** Per-unit SSP on the line; 0 counts as an SSP. */
  ssp?: ScaledDecimal | undefined;
  currency: string;
  serviceStartDate: IsoDate;
  /** Inclusive. */
  serviceEndDate: IsoDate;
  referenceInvoiceNumber?: string | undefined;
}

export interface InvoiceRecord {
  invoiceNumber: string;
  documentType: DocumentType;
  referenceDocument?: string | undefined;
  salesOrderId?: string | undefined;
  salesOrderItemId?: string | undefined;
  billingDate: IsoDate;
  /** Positive; the type gives the sign. */
  billingAmount: ScaledDecimal;
  currency: string;
  /** Inclusive service period (invoice-as-contract). */
  serviceStartDate?: IsoDate | undefined;
  serviceEndDate?: IsoDate | undefined;
}

export interface CommissionRecord {
  commissionId: string;
  salesOrderId: string;
  salesOrderItemId: string;
  commissionDate: IsoDate;
  commissionAmount: ScaledDecimal;
  currency: string;
  class?: string | undefined;
}

export interface FxRateRecord {
  fromCurrency: string;
  toCurrency: string;
  rateDate: IsoDate;
  rate: ScaledDecimal;
}

/** A general-import row (seed 004, Stripe format). `recognitionEndDate` is exclusive. */
export interface GeneralImportRecord {
  source: string;
  transactionId: string;
  splitTransactionId?: string | undefined;
  bookedDate?: IsoDate | undefined;
  recognitionStartDate?: IsoDate | undefined;
  recognitionEndDate?: IsoDate | undefined;
  amount?: ScaledDecimal | undefined;
  currency?: string | undefined;
  description?: string | undefined;
}

export interface ExclusionRecord {
  transactionId: string;
}

export interface ProductRecord {
  productId: string;
  productCode: string;
  productName: string;
  recognitionMethod?: RecognitionMethod | undefined;
  ssp?: ScaledDecimal | undefined;
  currency?: string | undefined;
  effectiveFrom?: IsoDate | undefined;
}

export interface CurrencyRecord {
  currency: string;
  minorUnit: number;
}

export interface OracleConfig {
  homeCurrency: string;
  /** The first current period; everything dated before it catches up in it. */
  firstPeriod: Period;
  /** Default 3. */
  maxRateAgeDays?: number | undefined;
  /** Practical expedient for commissions; default false. */
  commissionExpedient?: boolean | undefined;
}

/** Today's data: the latest version of every record (validation already done). */
export interface OracleInputs {
  config: OracleConfig;
  orders: OrderRecord[];
  invoices: InvoiceRecord[];
  commissions: CommissionRecord[];
  fxRates: FxRateRecord[];
  generalImport: GeneralImportRecord[];
  exclusions: ExclusionRecord[];
  products: ProductRecord[];
  currencies: CurrencyRecord[];
}

export type StageCode =
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
  | 'EXCLUDED'
  | 'MISSING_FIELD'
  | 'BAD_SERVICE_PERIOD';

export type StageStatus = 'error' | 'held' | 'excluded';

export type RecordType = 'orders' | 'invoices' | 'commissions' | 'general_import';

/**
 * One staged record. Keys: orders `Sales_Order_Item_Id`; invoices `Invoice_Number|Sales_Order_Item_Id`;
 * commissions `Commission_Id`; general_import `Source|Transaction_ID|Split_Transaction_ID`.
 */
export interface StageEntry {
  type: RecordType;
  key: string;
  code: StageCode;
  status: StageStatus;
  message: string;
}

export type LineKind = 'order' | 'external' | 'invoice';

/** One recognition part: the whole line, or one part of a split. Dates inclusive. */
export interface RecognitionPart {
  id: string;
  amount: bigint;
  startDate: IsoDate;
  endDate: IsoDate;
}

/** A contract line in the books, with what the orders export shows. */
export interface ContractLine {
  key: string;
  kind: LineKind;
  salesOrderId: string;
  salesOrderItemId: string;
  referenceInvoiceNumber: string;
  productId: string;
  productCode: string;
  productName: string;
  customerId: string;
  currency: string;
  minorUnit: number;
  /** Booked date (order date, general-import booked date, or billing date of an invoice-as-contract). */
  contractDate: IsoDate;
  quantity?: ScaledDecimal | undefined;
  listPrice?: ScaledDecimal | undefined;
  salePrice?: ScaledDecimal | undefined;
  booking: bigint;
  allocated: bigint;
  carve: bigint;
  method: RecognitionMethod;
  /** The line's own service dates (orders export), inclusive. */
  serviceStartDate: IsoDate;
  serviceEndDate: IsoDate;
  /** What revenue follows: the own dates, an override, or split parts. */
  recognition: RecognitionPart[];
  durationHundredths: bigint;
  duration: string;
  mrr: bigint;
  /** Missing a rate it needs: left out of every amount export until the rate arrives. */
  fxPending: boolean;
  contractRate?: Rational | undefined;
}

/** The numbers of one line and period in one currency view. */
export interface Measures {
  booking: bigint;
  beginningUnearned: bigint;
  newBilling: bigint;
  revenue: bigint;
  contra: bigint;
  ordinary: bigint;
  foreignCurrencyChange: bigint;
  adjustment: bigint;
  endingUnearned: bigint;
  beginningUnbilled: bigint;
  endingUnbilled: bigint;
  beginningBacklog: bigint;
  newBooking: bigint;
  totalRevenue: bigint;
  endingBacklog: bigint;
  beginningDeferredExpense: bigint;
  newCommissions: bigint;
  amortization: bigint;
  endingDeferredExpense: bigint;
}

/** A netted journal row with the `Class` it carries (commission class on expense accounts, else empty). */
export interface OracleJournalLine extends JournalLine {
  class: string;
}

export type PeriodStatus = 'closed' | 'current' | 'future';

/** The reported numbers of a line in a period. */
export interface ReportedRow {
  lineKey: string;
  /** Lines of different kinds may share a key over time (an invoice line that leaves the books, an order item that
   * arrives later with its id): they are different lines. */
  lineKind: LineKind;
  period: Period;
  status: PeriodStatus;
  txn: Measures;
  home: Measures;
  journal: OracleJournalLine[];
}

export interface OracleResult {
  currentPeriod: Period;
  homeCurrency: string;
  homeMinorUnit: number;
  lines: ContractLine[];
  /** Closed, current and future periods, by line key then period. */
  rows: ReportedRow[];
  stage: StageEntry[];
}

/** Cumulative amounts of a line through a period (with one day's data). Expense amounts per commission currency. */
export interface CumulativeVector {
  billing: bigint;
  revenue: bigint;
  contra: bigint;
  adjustment: bigint;
  booked: bigint;
  newCommissions: bigint;
  amortization: bigint;
  billingHome: bigint;
  revenueHome: bigint;
  contraHome: bigint;
  adjustmentHome: bigint;
  bookedHome: bigint;
  /** `round(net_txn × r_c)`. */
  netHome: bigint;
  newCommissionsHome: bigint;
  amortizationHome: bigint;
}

/** What a close froze for one line (`PeriodClose.lines` is keyed by `<kind>|<line key>`, see `stateKey`). */
export interface FrozenLine {
  lineKey: string;
  lineKind: LineKind;
  cumulative: CumulativeVector;
  /** The row reported for the closed period, if it had one. */
  row?: ReportedRow | undefined;
  booking: bigint;
  bookingHome: bigint;
  journalClass: string;
}

export interface PeriodClose {
  period: Period;
  lines: ReadonlyMap<string, FrozenLine>;
}

/** The current period and what every close froze, oldest first. */
export interface LedgerState {
  currentPeriod: Period;
  closes: readonly PeriodClose[];
}
