/**
 * Cumulative amounts of one line through a period with today's data (spec "Recognition", "Rollforward",
 * "Foreign exchange", "Commissions"): every reported movement is a difference of two of these vectors.
 */
import { allocateLargestRemainder } from '../../src/finance/allocation.js';
import { amortizedThrough, capitalizedThrough } from '../../src/finance/commissions.js';
import { convert } from '../../src/finance/fx.js';
import type { Period } from '../../src/finance/periods.js';
import { addPeriods, periodOfDay } from '../../src/finance/periods.js';
import { contraAmount, cumulativeRevenue, recognizedFraction } from '../../src/finance/recognition.js';
import type { LineModel } from './line-model.js';
import type { CumulativeVector } from './oracle-types.js';

export const ZERO_VECTOR: Readonly<CumulativeVector> = Object.freeze({
  billing: 0n,
  revenue: 0n,
  contra: 0n,
  adjustment: 0n,
  booked: 0n,
  newCommissions: 0n,
  amortization: 0n,
  billingHome: 0n,
  revenueHome: 0n,
  contraHome: 0n,
  adjustmentHome: 0n,
  bookedHome: 0n,
  netHome: 0n,
  newCommissionsHome: 0n,
  amortizationHome: 0n,
});

/** `TP_line(p)`: allocated less credit memos dated in or before `p`, plus their cancellations. */
export function priceInForce(model: LineModel, period: Period): bigint {
  let price = model.line.allocated;
  for (const doc of model.documents) if (doc.period <= period) price += doc.priceEffect;
  return price;
}

/**
 * Spreads an amount over the recognition parts: the whole amount for an unsplit line; for a split, by largest
 * remainder on the part amounts, which returns the parts themselves when the amount is the allocated one.
 */
export function partShares(model: LineModel, amount: bigint): bigint[] {
  if (model.parts.length === 1) return [amount];
  const weightSum = model.parts.reduce((s, p) => s + p.weight, 0n);
  if (weightSum === 0n) return model.parts.map((p, i) => p.weight + (i === 0 ? amount - model.line.allocated : 0n));
  return allocateLargestRemainder(amount, model.parts.map((p) => ({ id: p.id, weight: p.weight })));
}

/** `CR(p) = Σ_parts round(TP_part(p) × F_part(p))`. */
export function cumulativeRevenueThrough(model: LineModel, period: Period): bigint {
  const shares = partShares(model, priceInForce(model, period));
  return model.parts.reduce((sum, part, i) => sum + cumulativeRevenue(shares[i]!, part.schedule, period), 0n);
}

/** `Contra(q)` summed over the parts. */
export function contraIn(model: LineModel, period: Period): bigint {
  const previous = addPeriods(period, -1);
  const now = partShares(model, priceInForce(model, period));
  const before = partShares(model, priceInForce(model, previous));
  return model.parts.reduce((sum, part, i) => sum + contraAmount(now[i]!, before[i]!, recognizedFraction(part.schedule, previous)), 0n);
}

/** Cumulative contra through `p`: the contra formula summed over the periods holding CM/CMC documents. */
export function cumulativeContraThrough(model: LineModel, period: Period): bigint {
  const periods = new Set(model.documents.filter((d) => d.priceEffect !== 0n && d.period <= period).map((d) => d.period));
  let sum = 0n;
  for (const q of periods) sum += contraIn(model, q);
  return sum;
}

/** The last period in which anything of the line can still change. */
export function lineHorizon(model: LineModel): Period {
  return Math.max(
    model.bookedPeriod,
    model.endPeriod,
    ...model.parts.map((p) => periodOfDay(p.schedule.endDay)),
    ...model.documents.map((d) => d.period),
    ...model.commissions.map((c) => c.period),
  );
}

/** Every cumulative of a line through `p`. The line must not be FX-pending. */
export function cumulativeThrough(model: LineModel, period: Period, homeMinorUnit: number): CumulativeVector {
  const rate = model.line.contractRate;
  if (rate === undefined || model.line.fxPending) throw new Error(`oracle: line ${model.line.key} is FX-pending`);
  const minor = model.line.minorUnit;
  const home = (amount: bigint) => convert(amount, minor, rate, homeMinorUnit);

  let billing = 0n;
  let billingHome = 0n;
  for (const doc of model.documents) {
    if (doc.period > period) continue;
    billing += doc.billing;
    billingHome += doc.billingHome!;
  }
  const revenue = cumulativeRevenueThrough(model, period);
  const contra = cumulativeContraThrough(model, period);
  const adjustment = period >= model.endPeriod ? revenue - billing : 0n;
  const booked = period >= model.bookedPeriod ? priceInForce(model, period) : 0n;

  let newCommissions = 0n;
  let amortization = 0n;
  let newCommissionsHome = 0n;
  let amortizationHome = 0n;
  for (const commission of model.commissions) {
    const capitalized = capitalizedThrough(commission.amount, commission.period, period);
    const shares = partShares(model, commission.amount);
    const amortized = model.parts.reduce(
      (sum, part, i) =>
        sum + amortizedThrough(shares[i]!, { commissionPeriod: commission.period, schedule: part.schedule, expenseAtOnce: model.expenseAtOnce }, period),
      0n,
    );
    newCommissions += capitalized;
    amortization += amortized;
    newCommissionsHome += convert(capitalized, commission.minorUnit, commission.rate!, homeMinorUnit);
    amortizationHome += convert(amortized, commission.minorUnit, commission.rate!, homeMinorUnit);
  }

  return {
    billing,
    revenue,
    contra,
    adjustment,
    booked,
    newCommissions,
    amortization,
    billingHome,
    revenueHome: home(revenue),
    contraHome: home(contra),
    adjustmentHome: home(adjustment),
    bookedHome: home(booked),
    netHome: home(billing - revenue + adjustment),
    newCommissionsHome,
    amortizationHome,
  };
}
