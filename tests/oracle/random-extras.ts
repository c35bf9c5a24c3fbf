/**
 * The rarer cases a seeded scenario can add on top of its base contracts (`randomScenario(seed, { extended: true })`):
 * corrected re-deliveries (a later version of the same key), records delivered before their period (held as
 * FUTURE_PERIOD until it opens), credits and cancellations of invoice-as-contract lines found through
 * `Reference_Document`, invoice-as-contract rows with their own item id (or one that clashes with an order item),
 * commissions on external and invoice lines, exclusion by invoice number, overrides from two sources, and records
 * that cannot find their line (no item id, another currency, unknown item, an external row missing its currency).
 */
import type { ScaledDecimal } from '../../src/finance/money.js';
import type { Period } from '../../src/finance/periods.js';
import { addPeriods, periodOf } from '../../src/finance/periods.js';
import type { Arriving, Scenario } from './random-contracts.js';
import type { SeededRandom } from './seeded-random.js';

const scaled = (value: ScaledDecimal, percent: number): ScaledDecimal => ({ units: (value.units * BigInt(percent)) / 100n, scale: value.scale });

/** Adds the extra cases to `scenario` in place. */
export function addExtras(rng: SeededRandom, scenario: Scenario, seed: number): void {
  const first = scenario.config.firstPeriod;
  const r = scenario.records;
  const later = (arrival: Period) => addPeriods(arrival, rng.int(1, 3));
  const early = (date: string, arrival: Period): Period => {
    const own = periodOf(date);
    return own > first && arrival === own && rng.chance(0.5) ? addPeriods(own, -1) : arrival;
  };

  // Corrections: a later delivery of the same key with other values (latest version wins).
  for (const { arrival, record } of [...r.orders]) {
    if (rng.chance(0.15)) {
      const corrected = rng.chance(0.5)
        ? { ...record, salePrice: scaled(record.salePrice, rng.int(50, 150)) }
        : { ...record, serviceEndDate: record.serviceStartDate < record.serviceEndDate ? record.serviceEndDate.slice(0, 8) + '01' : record.serviceEndDate };
      if (corrected.serviceEndDate < corrected.serviceStartDate) corrected.serviceEndDate = record.serviceEndDate;
      r.orders.push({ arrival: later(arrival), record: corrected });
    }
  }
  for (const { arrival, record } of [...r.invoices]) {
    if (record.documentType === 'INV' && rng.chance(0.08)) r.invoices.push({ arrival: later(arrival), record: { ...record, billingAmount: scaled(record.billingAmount, rng.int(50, 150)) } });
  }
  for (const { arrival, record } of [...r.fxRates]) {
    if (rng.chance(0.03)) r.fxRates.push({ arrival: later(arrival), record: { ...record, rate: scaled({ units: record.rate.units * 100n, scale: record.rate.scale + 2 }, rng.int(95, 105)) } });
    // The other direction on the same date, a little off: the direct row (to the home currency) must win.
    if (rng.chance(0.04)) {
      const inverse = { fromCurrency: record.toCurrency, toCurrency: record.fromCurrency, rateDate: record.rateDate };
      const rate = { units: (10n ** BigInt(record.rate.scale + 8) * BigInt(rng.int(95, 105))) / (record.rate.units * 100n), scale: 8 };
      if (rate.units > 0n) r.fxRates.push({ arrival, record: { ...inverse, rate } });
    }
  }

  // Early deliveries: dated in the next period, delivered now; they wait as FUTURE_PERIOD.
  for (const list of [r.orders, r.invoices, r.commissions] as Array<Array<Arriving<{ orderDate?: string; billingDate?: string; commissionDate?: string }>>>) {
    for (const item of list) {
      const date = item.record.orderDate ?? item.record.billingDate ?? item.record.commissionDate;
      if (date && rng.chance(0.06)) item.arrival = early(date, item.arrival);
    }
  }

  // Invoice-as-contract lines: credits and cancellations without an item id, and rows with their own item id.
  for (const { arrival, record } of [...r.invoices]) {
    if (record.documentType !== 'INV' || record.salesOrderId !== undefined || record.serviceStartDate === undefined) continue;
    if (rng.chance(0.25)) {
      r.invoices.push({ arrival: later(arrival), record: { ...record, invoiceNumber: `${record.invoiceNumber}-IVC`, documentType: 'IVC', referenceDocument: record.invoiceNumber, serviceStartDate: undefined, serviceEndDate: undefined } });
    }
    const cm = r.invoices.find((x) => x.record.documentType === 'CM' && x.record.referenceDocument === record.invoiceNumber);
    if (cm && rng.chance(0.5)) {
      r.invoices.push({ arrival: later(cm.arrival), record: { ...cm.record, invoiceNumber: `${record.invoiceNumber}-CMC`, documentType: 'CMC', referenceDocument: cm.record.invoiceNumber } });
    }
  }
  const orderItems = r.orders.map((o) => o.record);
  const iacs = r.invoices.filter((x) => x.record.documentType === 'INV' && x.record.salesOrderId === undefined && x.record.serviceStartDate !== undefined);
  for (const [k, iac] of iacs.entries()) {
    if (!rng.chance(0.4)) continue;
    const clash = rng.chance(0.3) && orderItems.length > 0 ? rng.pick(orderItems).salesOrderItemId : `IACI${seed}-${k}`;
    r.invoices.push({ arrival: iac.arrival, record: { ...iac.record, invoiceNumber: `${iac.record.invoiceNumber}-I`, salesOrderItemId: clash } });
  }

  // Commissions on external and invoice-as-contract lines.
  for (const { arrival, record } of [...r.generalImport]) {
    if (record.bookedDate === undefined || record.amount === undefined || !rng.chance(0.3)) continue;
    const key = record.splitTransactionId ? `${record.transactionId}:${record.splitTransactionId}` : record.transactionId;
    r.commissions.push({
      arrival,
      record: { commissionId: `K-${key}`, salesOrderId: record.transactionId, salesOrderItemId: key, commissionDate: record.bookedDate, commissionAmount: scaled(record.amount.units < 0n ? { ...record.amount, units: -record.amount.units } : record.amount, 10), currency: record.currency!, class: 'Sales' },
    });
  }
  for (const { arrival, record } of iacs) {
    if (!rng.chance(0.3)) continue;
    r.commissions.push({
      arrival,
      record: { commissionId: `K-${record.invoiceNumber}`, salesOrderId: '-', salesOrderItemId: record.invoiceNumber, commissionDate: record.billingDate, commissionAmount: scaled(record.billingAmount, 5), currency: record.currency, class: 'Partner' },
    });
  }

  // Exclusion by invoice number: an order's own reference invoice, or an invoice-as-contract INV.
  for (const item of r.orders) {
    if (rng.chance(0.15)) item.record = { ...item.record, referenceInvoiceNumber: `RINV-${item.record.salesOrderItemId}` };
  }
  const referenced = r.orders.filter((o) => o.record.referenceInvoiceNumber !== undefined);
  if (referenced.length > 0 && rng.chance(0.5)) r.exclusions.push({ arrival: addPeriods(first, rng.int(0, 4)), record: { transactionId: rng.pick(referenced).record.referenceInvoiceNumber! } });
  if (iacs.length > 0 && rng.chance(0.3)) r.exclusions.push({ arrival: addPeriods(first, rng.int(0, 4)), record: { transactionId: rng.pick(iacs).record.invoiceNumber } });

  // Overrides of one item from two sources: both rejected.
  const overridden = r.generalImport.filter((g) => g.record.source === 'Stripe' && g.record.splitTransactionId === undefined);
  if (overridden.length > 0 && rng.chance(0.4)) {
    const o = rng.pick(overridden);
    r.generalImport.push({ arrival: o.arrival, record: { ...o.record, source: 'Manual' } });
  }

  // An override whose exclusive end is not after its start: a bad row, staged when read (BAD_SERVICE_PERIOD).
  if (overridden.length > 0 && rng.chance(0.3)) {
    const o = rng.pick(overridden);
    r.generalImport.push({ arrival: o.arrival, record: { ...o.record, source: 'Backdated', recognitionEndDate: o.record.recognitionStartDate } });
  }

  // Records that cannot find their line.
  const base = r.invoices.find((x) => x.record.documentType === 'INV' && x.record.salesOrderItemId !== undefined);
  if (base && rng.chance(0.5)) {
    r.invoices.push({ arrival: base.arrival, record: { ...base.record, invoiceNumber: `NOITEM-${seed}`, salesOrderItemId: undefined } });
    // Whole units, so the amount is valid in the other currency too.
    const whole = { units: base.record.billingAmount.units / 10n ** BigInt(base.record.billingAmount.scale), scale: 0 };
    r.invoices.push({ arrival: base.arrival, record: { ...base.record, invoiceNumber: `FX-${seed}`, billingAmount: whole, currency: base.record.currency === 'JPY' ? 'USD' : 'JPY' } });
  }
  const commission = r.commissions[0];
  if (commission && rng.chance(0.5)) r.commissions.push({ arrival: commission.arrival, record: { ...commission.record, commissionId: `KX-${seed}`, salesOrderItemId: `NOPE-${seed}` } });
  const external = r.generalImport.find((g) => g.record.bookedDate !== undefined);
  if (external && rng.chance(0.3)) r.generalImport.push({ arrival: external.arrival, record: { ...external.record, transactionId: `NOCUR-${seed}`, currency: undefined } });
}
