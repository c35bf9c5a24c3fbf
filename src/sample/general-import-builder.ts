import { addMonths, civilFromDays } from './civil-date.js';
import { allocateByRelativeSsp } from './allocation-helper.js';
import type { SplitCheck } from './generation-summary.js';
import { divRound } from './money-text.js';
import { sspOn, type SampleCurrency } from './product-catalogue.js';
import { money } from './record-writer.js';
import type { GeneralImportRow, OrderLine, RowDefect, SalesOrder } from './sample-model.js';
import type { SeededPrng } from './seeded-prng.js';

/**
 * General-import rows (Stripe format, seed 004): external lines from other processors, an override of an order
 * line's recognition dates, and splits of a line into parts that must sum to its allocated amount.
 */

/** The allocated amount (minor units) of every line of `order`, by relative SSP as accounting.md defines it. */
export function allocatedAmounts(order: SalesOrder): bigint[] {
  const lines = order.lines;
  if (lines.length < 2) return lines.map((l) => l.booking);
  return allocateByRelativeSsp(
    lines.map((l) => ({ key: l.itemId, booking: l.booking, extendedSsp: l.quantity * sspOf(l, order) })),
  );
}

function sspOf(line: OrderLine, order: SalesOrder): bigint {
  if (line.lineSsp !== undefined) return line.lineSsp;
  const ssp = sspOn(line.product, order.currency, order.orderDay);
  if (ssp === undefined) throw new Error(`Unexpected: ${line.itemId} has no SSP; it cannot be split`);
  return ssp;
}

export interface ExternalContext {
  readonly rng: SeededPrng;
  nextAppStore: number;
  nextCheck: number;
}

/** One external line: an App Store subscription (lower-case currency as Stripe writes it) or a cheque payment. */
export function externalLine(ctx: ExternalContext, day: number, currency: SampleCurrency): GeneralImportRow {
  const { rng } = ctx;
  if (rng.chance(80)) {
    ctx.nextAppStore += 1;
    const annual = rng.chance(40);
    const price: Record<SampleCurrency, bigint> = annual
      ? { USD: 14999n, EUR: 14999n, GBP: 12999n, JPY: 22000n }
      : { USD: 1499n, EUR: 1499n, GBP: 1299n, JPY: 2200n };
    return {
      source: 'App Store',
      transactionId: `20000000${String(ctx.nextAppStore).padStart(8, '0')}`,
      splitId: '',
      booked: day,
      recognitionStart: day,
      recognitionEndExclusive: addMonths(day, annual ? 12 : 1),
      amount: price[currency],
      currency,
      currencyText: rng.chance(50) ? currency.toLowerCase() : currency,
      description: annual ? 'Pro plan, annual (iOS)' : 'Pro plan, monthly (iOS)',
      routeDay: day,
    };
  }
  ctx.nextCheck += 1;
  const units = BigInt(rng.between(25, 120));
  return {
    source: 'Checks',
    transactionId: `CHK-${String(ctx.nextCheck).padStart(6, '0')}`,
    splitId: '',
    booked: day,
    recognitionStart: day + 1,
    recognitionEndExclusive: addMonths(day + 1, 3),
    amount: currency === 'JPY' ? units * 15000n : units * 10000n,
    currency,
    description: 'Consulting retainer, paid by cheque',
    routeDay: day,
  };
}

/** Moves the first line's recognition one month later (end exclusive, as Stripe's). */
export function overrideRow(order: SalesOrder, defect?: RowDefect): GeneralImportRow {
  const line = order.lines[0] as OrderLine;
  return {
    source: 'Manual',
    transactionId: line.itemId,
    splitId: '',
    recognitionStart: addMonths(line.start, 1),
    recognitionEndExclusive: defect ? undefined : addMonths(line.end + 1, 1),
    description: defect ? 'Go-live delayed (end date forgotten)' : 'Go-live delayed one month',
    routeDay: order.orderDay,
    ...(defect ? { defect } : {}),
  };
}

/**
 * Splits the first line into three parts (core over the whole term, analytics front-loaded over six months, the
 * rest over the remaining term) summing exactly to its allocated amount, or, when `offBy` is not zero, to the
 * allocated amount plus `offBy` minor units (a deliberate BAD_OVERRIDE).
 */
export function splitRows(order: SalesOrder, offBy: bigint): { rows: GeneralImportRow[]; check: SplitCheck } {
  const line = order.lines[0] as OrderLine;
  const allocated = allocatedAmounts(order)[0] as bigint;
  const target = allocated + offBy;
  const core = divRound(target * 60n, 100n);
  const analytics = divRound(target * 25n, 100n);
  const storage = target - core - analytics;
  const half = addMonths(line.start, 6);
  const endExclusive = line.end + 1;
  const defect: RowDefect | undefined =
    offBy === 0n
      ? undefined
      : {
          code: 'BAD_OVERRIDE',
          column: 'Amount',
          note: `split parts sum to ${money(target, order.currency)}, not the allocated ${money(allocated, order.currency)}`,
        };
  const part = (
    splitId: string,
    amount: bigint,
    start: number,
    end: number,
    description: string,
  ): GeneralImportRow => ({
    source: 'Manual',
    transactionId: line.itemId,
    splitId,
    booked: order.orderDay,
    recognitionStart: start,
    recognitionEndExclusive: end,
    amount,
    currency: order.currency,
    description,
    routeDay: order.orderDay,
    ...(defect ? { defect: { ...defect, value: money(amount, order.currency) } } : {}),
  });
  const rows = [
    part('core', core, line.start, endExclusive, 'Split: core platform'),
    part('analytics', analytics, line.start, Math.min(half, endExclusive), 'Split: analytics, first six months'),
    part('storage', storage, Math.min(half, line.end), endExclusive, 'Split: storage, rest of term'),
  ];
  return {
    rows,
    check: {
      source: 'Manual',
      transactionId: line.itemId,
      currency: order.currency,
      allocated: money(allocated, order.currency),
      parts: rows.map((r) => ({ splitId: r.splitId, amount: money(r.amount as bigint, order.currency) })),
      sum: money(target, order.currency),
      valid: offBy === 0n,
    },
  };
}

/** `YYYY-04-31`: a date that does not exist, in the year of `day`. */
export function impossibleApril(day: number): string {
  return `${civilFromDays(day).year}-04-31`;
}
