/**
 * Reference data for the oracle: currency minor units, the products seed (SSP, method, names), the rate table, and
 * the small helpers every other oracle file needs (date cut-offs, stage entries).
 */
import { FxRateTable } from '../../src/finance/fx.js';
import type { Rational, ScaledDecimal } from '../../src/finance/money.js';
import { decimalToRational, pow10 } from '../../src/finance/money.js';
import type { RecognitionMethod } from '../../src/finance/recognition.js';
import type { IsoDate, OracleInputs, ProductRecord, RecordType, StageCode, StageEntry, StageStatus } from './oracle-types.js';

/** Everything looked up by code or id, built once per computation. */
export class ReferenceData {
  readonly homeCurrency: string;
  readonly homeMinorUnit: number;
  readonly maxRateAgeDays: number;
  readonly rates: FxRateTable;
  private readonly minorUnits = new Map<string, number>();
  private readonly products = new Map<string, ProductRecord[]>();

  constructor(inputs: OracleInputs) {
    for (const row of inputs.currencies) this.minorUnits.set(row.currency.toUpperCase(), row.minorUnit);
    for (const row of inputs.products) {
      const list = this.products.get(row.productId) ?? [];
      list.push(row);
      this.products.set(row.productId, list);
    }
    this.homeCurrency = inputs.config.homeCurrency.toUpperCase();
    this.homeMinorUnit = this.minorUnit(this.homeCurrency);
    this.maxRateAgeDays = inputs.config.maxRateAgeDays ?? 3;
    this.rates = new FxRateTable(
      inputs.fxRates.map((r) => ({ from: r.fromCurrency, to: r.toCurrency, rateDate: r.rateDate, rate: decimalToRational(r.rate) })),
    );
  }

  /** Minor unit of a currency; the oracle takes validated input, so an unknown code is a test bug. */
  minorUnit(currency: string): number {
    const unit = this.minorUnits.get(currency.toUpperCase());
    if (unit === undefined) throw new Error(`oracle: currency ${currency} is not in the currencies seed given to the oracle`);
    return unit;
  }

  /** An amount given in a currency as minor units; refuses amounts finer than the currency (validated input). */
  amountToMinor(amount: ScaledDecimal, currency: string): bigint {
    const unit = this.minorUnit(currency);
    if (amount.scale > unit) throw new Error(`oracle: amount with ${amount.scale} decimals in ${currency} (${unit} allowed)`);
    return amount.units * pow10(unit - amount.scale);
  }

  /** Rate converting `currency` to home on `date`, or undefined (FX-pending). */
  rate(currency: string, date: IsoDate): Rational | undefined {
    return this.rates.rateFor(currency, this.homeCurrency, date, this.maxRateAgeDays)?.rate;
  }

  /** Product row giving the SSP: same product and currency, latest `Effective_From` on or before the date. */
  sspRow(productId: string, currency: string, date: IsoDate): ProductRecord | undefined {
    const rows = (this.products.get(productId) ?? []).filter((r) => r.currency?.toUpperCase() === currency.toUpperCase());
    return latestEffective(rows, date);
  }

  /**
   * Product row giving method, code and name: the same-currency row in force at the date, else any row of the
   * product in force, else its earliest row.
   */
  productRow(productId: string, currency: string, date: IsoDate): ProductRecord | undefined {
    const rows = this.products.get(productId) ?? [];
    return (
      this.sspRow(productId, currency, date) ??
      latestEffective(rows, date) ??
      [...rows].sort((a, b) => ((a.effectiveFrom ?? '') < (b.effectiveFrom ?? '') ? -1 : 1))[0]
    );
  }

  method(productId: string, currency: string, date: IsoDate): RecognitionMethod {
    return this.productRow(productId, currency, date)?.recognitionMethod ?? 'ratable_daily';
  }
}

function latestEffective(rows: readonly ProductRecord[], date: IsoDate): ProductRecord | undefined {
  let best: ProductRecord | undefined;
  for (const row of rows) {
    const from = row.effectiveFrom ?? '';
    if (from > date) continue;
    if (!best || from >= (best.effectiveFrom ?? '')) best = row;
  }
  return best;
}

/** Collects stage entries. */
export class StageLog {
  readonly entries: StageEntry[] = [];
  private readonly seen = new Set<string>();

  /** Adds an entry once per record and code (an invoice-as-contract INV can lack a rate both as line and as bill). */
  add(type: RecordType, key: string, code: StageCode, message: string): void {
    const id = `${type}\u0000${key}\u0000${code}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.entries.push({ type, key, code, status: statusOf(code), message });
  }
}

/** `held` for records waiting (future period, missing rate), `excluded` for exclusions, else `error`. */
export function statusOf(code: StageCode): StageStatus {
  if (code === 'FUTURE_PERIOD' || code === 'FX_PENDING') return 'held';
  if (code === 'EXCLUDED') return 'excluded';
  return 'error';
}

/** Stage key of an invoice row. */
export function invoiceKey(invoiceNumber: string, salesOrderItemId: string | undefined): string {
  return `${invoiceNumber}|${salesOrderItemId ?? ''}`;
}

/** Stage key of a general-import row. */
export function generalImportKey(source: string, transactionId: string, split: string | undefined): string {
  return `${source}|${transactionId}|${split ?? ''}`;
}

/** A non-empty string, or undefined for blank/absent. */
export function present(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
