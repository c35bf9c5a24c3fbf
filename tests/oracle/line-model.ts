/**
 * The oracle's working model of one contract line: its public attributes plus what the cumulative formulas need
 * (recognition parts, posted documents and commissions with their rates). Built by `books.ts`.
 */
import type { Rational } from '../../src/finance/money.js';
import type { Period } from '../../src/finance/periods.js';
import type { RecognitionSchedule } from '../../src/finance/recognition.js';
import type { ContractLine, RecordType } from './oracle-types.js';

/** One recognition part; `weight` is its amount (the whole allocated amount for an unsplit line). */
export interface SchedulePart {
  id: string;
  weight: bigint;
  schedule: RecognitionSchedule;
}

/** An accepted billing document, signed by type. `billingHome` undefined = its rate is missing. */
export interface PostedDocument {
  number: string;
  type: 'INV' | 'IVC' | 'CM' | 'CMC';
  period: Period;
  billing: bigint;
  billingHome: bigint | undefined;
  /** Effect on `TP_line`: −amount for a CM, +amount for a CMC, else 0. */
  priceEffect: bigint;
}

/** A commission in the books. `rate` undefined = its rate is missing. */
export interface PostedCommission {
  id: string;
  class: string;
  currency: string;
  minorUnit: number;
  amount: bigint;
  period: Period;
  rate: Rational | undefined;
}

/** A line under construction and then complete. */
export interface LineModel {
  line: ContractLine;
  parts: SchedulePart[];
  /** `period(booked date)`. */
  bookedPeriod: Period;
  /** Period of the (recognition) service end: the adjustment brings the balance to 0 from it on. */
  endPeriod: Period;
  documents: PostedDocument[];
  commissions: PostedCommission[];
  /** The commission expedient applies to this line. */
  expenseAtOnce: boolean;
  /** Where the line came from, for stage entries about it. */
  sourceType: RecordType;
  sourceKey: string;
  /** External lines are billed in full on their booked date. */
  syntheticInvoice?: { number: string; date: string; amount: bigint } | undefined;
}
