import { addMonths } from './civil-date.js';
import { divRound } from './money-text.js';
import type { BillingDocument, DocumentType, OrderLine, SalesOrder } from './sample-model.js';
import type { SeededPrng } from './seeded-prng.js';

/** Running document numbers, one sequence per document type (`INV-0000001`, `IVC-0000001`, …). */
export class DocumentNumbers {
  private readonly next: Record<DocumentType, number> = { INV: 0, IVC: 0, CM: 0, CMC: 0 };

  take(type: DocumentType): string {
    this.next[type] += 1;
    return `${type}-${String(this.next[type]).padStart(7, '0')}`;
  }
}

export interface BillingContext {
  readonly rng: SeededPrng;
  readonly numbers: DocumentNumbers;
  /** Documents dated after this day are not yet issued (the extract is taken at the window's end). */
  readonly lastDay: number;
}

interface BillingEvent {
  readonly day: number;
  readonly line: OrderLine;
  readonly amount: bigint;
  readonly serviceStart: number;
  readonly serviceEnd: number;
}

/**
 * The invoices (`INV`) of an order's good lines under its billing plan, up to the window's end: annual in advance
 * (year 1 on the order day, so often before the service starts), quarterly or monthly in arrears, annual but late,
 * or everything up front. Lines billed on the same day share one invoice number. Instalments are cumulative
 * differences, so a fully billed line bills exactly its booking.
 */
export function buildInvoices(ctx: BillingContext, order: SalesOrder): BillingDocument[] {
  const { rng } = ctx;
  const events: BillingEvent[] = [];
  const lateBy = rng.between(40, 75);
  const quarterlyDelay = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(() => rng.between(1, 5));
  for (const line of order.lines) {
    if (line.defect !== undefined || order.wholeOrder !== undefined) continue;
    if (line.product.method === 'point_in_time') {
      const day = order.plan === 'quarterly_arrears' || order.plan === 'monthly_arrears' ? line.start : order.orderDay;
      events.push({ day, line, amount: line.booking, serviceStart: line.start, serviceEnd: line.end });
      continue;
    }
    const months = order.termMonths;
    switch (order.plan) {
      case 'upfront_full':
        events.push({
          day: order.orderDay,
          line,
          amount: line.booking,
          serviceStart: line.start,
          serviceEnd: line.end,
        });
        break;
      case 'annual_upfront':
      case 'late_annual': {
        const years = months / 12;
        for (let k = 0; k < years; k++) {
          const periodStart = addMonths(line.start, 12 * k);
          const day = k > 0 ? periodStart - 15 : order.plan === 'late_annual' ? line.start + lateBy : order.orderDay;
          events.push({
            day,
            line,
            amount: instalment(line.booking, k, years),
            serviceStart: periodStart,
            serviceEnd: addMonths(line.start, 12 * (k + 1)) - 1,
          });
        }
        break;
      }
      case 'quarterly_arrears':
      case 'monthly_arrears': {
        const step = order.plan === 'quarterly_arrears' ? 3 : 1;
        const count = months / step;
        for (let k = 0; k < count; k++) {
          const periodEnd = addMonths(line.start, step * (k + 1)) - 1;
          if (periodEnd >= ctx.lastDay) break;
          const delay = step === 3 ? (quarterlyDelay[k] as number) : 1;
          events.push({
            day: periodEnd + delay,
            line,
            amount: instalment(line.booking, k, count),
            serviceStart: addMonths(line.start, step * k),
            serviceEnd: periodEnd,
          });
        }
        break;
      }
      default:
        throw new Error(`Unexpected billing plan ${String(order.plan)}`);
    }
  }

  const byDay = new Map<number, BillingEvent[]>();
  for (const e of events) {
    // Not issued yet at the window's end; and no zero invoices (a free line is simply not billed).
    if (e.day > ctx.lastDay || e.amount === 0n) continue;
    const list = byDay.get(e.day);
    if (list) list.push(e);
    else byDay.set(e.day, [e]);
  }
  const docs: BillingDocument[] = [];
  for (const day of [...byDay.keys()].sort((a, b) => a - b)) {
    const number = ctx.numbers.take('INV');
    const custom = customFields(rng, order);
    for (const e of byDay.get(day) as BillingEvent[]) {
      docs.push({
        number,
        type: 'INV',
        reference: '',
        orderId: order.id,
        itemId: e.line.itemId,
        day,
        amount: e.amount,
        currency: order.currency,
        serviceStart: e.serviceStart,
        serviceEnd: e.serviceEnd,
        custom,
      });
    }
  }
  return docs;
}

/** Cancels the first invoice in full (`IVC`, one row per line) and re-invoices it a few days later. */
export function addCancellationAndReinvoice(ctx: BillingContext, docs: BillingDocument[]): boolean {
  const first = docs.find((d) => d.type === 'INV');
  if (!first) return false;
  const rows = docs.filter((d) => d.number === first.number);
  const ivcDay = Math.min(first.day + ctx.rng.between(3, 15), ctx.lastDay);
  const reDay = Math.min(ivcDay + ctx.rng.between(1, 3), ctx.lastDay);
  const ivc = ctx.numbers.take('IVC');
  const again = ctx.numbers.take('INV');
  for (const row of rows) {
    docs.push({
      ...row,
      number: ivc,
      type: 'IVC',
      reference: first.number,
      day: ivcDay,
      custom: blankCustom(row.custom[0] ?? ''),
    });
  }
  for (const row of rows) docs.push({ ...row, number: again, day: reDay });
  return true;
}

/**
 * A partial credit memo (10–30 % of one invoice row) on an invoice that is not cancelled, and optionally its full
 * cancellation (`CMC`). Returns the CM, or undefined when the order has no such invoice.
 */
export function addCreditMemo(
  ctx: BillingContext,
  docs: BillingDocument[],
  withCancellation: boolean,
): BillingDocument | undefined {
  const cancelled = new Set(docs.filter((d) => d.type === 'IVC').map((d) => `${d.reference}|${d.itemId}`));
  const target = docs.find((d) => d.type === 'INV' && !cancelled.has(`${d.number}|${d.itemId}`) && d.amount >= 10n);
  if (!target) return undefined;
  const cmDay = Math.min(target.day + ctx.rng.between(10, 40), ctx.lastDay);
  const amount = divRound(target.amount * BigInt(ctx.rng.between(10, 30)), 100n);
  const cm: BillingDocument = {
    ...target,
    number: ctx.numbers.take('CM'),
    type: 'CM',
    reference: target.number,
    day: cmDay,
    amount,
    serviceStart: undefined,
    serviceEnd: undefined,
    custom: blankCustom(target.custom[0] ?? ''),
  };
  docs.push(cm);
  if (withCancellation) {
    const cmcDay = Math.min(cmDay + ctx.rng.between(5, 20), ctx.lastDay);
    docs.push({ ...cm, number: ctx.numbers.take('CMC'), type: 'CMC', reference: cm.number, day: cmcDay });
  }
  return cm;
}

const TYPE_RANK: Readonly<Record<DocumentType, number>> = { INV: 0, IVC: 1, CM: 2, CMC: 3 };

/** The order documents are applied in (accounting.md): billing date, then INV, IVC, CM, CMC, then number. */
export function sortDocuments(docs: BillingDocument[]): BillingDocument[] {
  return docs.sort((a, b) =>
    a.day !== b.day
      ? a.day - b.day
      : a.type !== b.type
        ? TYPE_RANK[a.type] - TYPE_RANK[b.type]
        : a.number < b.number
          ? -1
          : a.number > b.number
            ? 1
            : 0,
  );
}

/** BS_CustomField02…10, lightly filled: PO number, region, channel, payment terms, customer, a legacy flag. */
export function customFields(rng: SeededPrng, order: Pick<SalesOrder, 'currency' | 'customerId'>): string[] {
  const region = order.currency === 'USD' ? 'AMER' : order.currency === 'JPY' ? 'APAC' : 'EMEA';
  return [
    rng.chance(35) ? `PO-${rng.between(10000, 99999)}` : '',
    rng.chance(60) ? region : '',
    rng.chance(25) ? rng.pick(['Direct', 'Partner']) : '',
    rng.chance(40) ? rng.pick(['Net 30', 'Net 45', 'Due on receipt']) : '',
    rng.chance(15) ? order.customerId : '',
    '',
    '',
    '',
    rng.chance(3) ? 'legacy-import' : '',
  ];
}

/** Custom fields of a follow-up document: only the PO number is carried over. */
export function blankCustom(poNumber: string): string[] {
  return [poNumber, '', '', '', '', '', '', '', ''];
}

/** Instalment `k` of `count` by cumulative rounding: `round(B × (k+1)/n) − round(B × k/n)`. */
function instalment(booking: bigint, k: number, count: number): bigint {
  const n = BigInt(count);
  return divRound(booking * BigInt(k + 1), n) - divRound(booking * BigInt(k), n);
}
