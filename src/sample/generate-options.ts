import { ConfigError } from '../errors.js';
import { addMonths, formatDay, parsePeriod } from './civil-date.js';
import { MEAN_LINES_PER_ORDER } from './order-builder.js';
import type { Deliveries } from './output-files.js';
import { CATALOGUE_START, SAMPLE_CURRENCIES, type SampleCurrency } from './product-catalogue.js';

/** Options of {@link generateCompany}. Everything but `outDir` has a default. */
export interface GenerateOptions {
  /** Folder the input files are written to (created when missing). */
  outDir: string;
  /** Seed of the generator: the same options give byte-identical files. Default 1. */
  seed?: number | string;
  /** Number of sales orders. Default 200. Ignored when `orderLines` is given. */
  contracts?: number;
  /** Size driver for benchmarks: exactly this many rows in the orders file(s) (order lines). */
  orderLines?: number;
  /** First month, `YYYYMM`. Default `202401`. */
  firstPeriod?: string;
  /** Months covered. Default 24. */
  months?: number;
  /** Home currency (USD, EUR, GBP or JPY): rates are written to it. Default USD. */
  homeCurrency?: string;
  /** Write deliberately bad rows, one or more per stage-area code. Default true (false for benchmarks). */
  badRows?: boolean;
  /** Leave a gap in one currency's rates longer than the 3-day age limit. Default: the value of `badRows`. */
  fxGap?: boolean;
  /** `csv` (default), `xlsx` (one workbook, one tab per type; small runs only) or `zip` (the CSVs bundled). */
  format?: 'csv' | 'xlsx' | 'zip';
  /** `single` (default): one file per type; `monthly`: `orders_2024-01.csv`… like recurring deliveries (csv, zip). */
  deliveries?: Deliveries;
  /** Write `generation-summary.json` beside the files. Default true. */
  writeSummary?: boolean;
}

export interface ResolvedOptions {
  readonly outDir: string;
  readonly seed: number | string;
  readonly contracts: number;
  readonly orderLines: number | null;
  /** Sales orders planned (from `contracts`, or estimated from `orderLines`). */
  readonly plannedOrders: number;
  readonly firstPeriod: string;
  readonly months: number;
  readonly homeCurrency: SampleCurrency;
  readonly badRows: boolean;
  readonly fxGap: boolean;
  readonly format: 'csv' | 'xlsx' | 'zip';
  readonly deliveries: Deliveries;
  readonly writeSummary: boolean;
  readonly firstDay: number;
  readonly lastDay: number;
}

/** XLSX is built for people to open: beyond this many order lines, use csv or zip. */
export const XLSX_MAX_ORDER_LINES = 50_000;

/** Applies defaults and checks every option; all problems are reported in one ConfigError. */
export function resolveOptions(options: GenerateOptions): ResolvedOptions {
  const problems: string[] = [];
  const outDir = options.outDir;
  if (typeof outDir !== 'string' || outDir.trim() === '') problems.push('outDir must be a folder path');
  const seed = options.seed ?? 1;
  if (typeof seed === 'number' ? !Number.isSafeInteger(seed) : typeof seed !== 'string')
    problems.push('seed must be an integer or a string');
  const contracts = options.contracts ?? 200;
  if (!Number.isSafeInteger(contracts) || contracts < 1)
    problems.push(`contracts must be a positive integer (got ${String(contracts)})`);
  const orderLines = options.orderLines ?? null;
  if (orderLines !== null && (!Number.isSafeInteger(orderLines) || orderLines < 1))
    problems.push(`orderLines must be a positive integer (got ${String(orderLines)})`);
  const firstPeriod = options.firstPeriod ?? '202401';
  const firstDay = parsePeriod(firstPeriod);
  if (firstDay === undefined) problems.push(`firstPeriod must be YYYYMM (got '${firstPeriod}')`);
  else if (formatDay(firstDay) < CATALOGUE_START)
    problems.push(`firstPeriod must be 202001 or later (catalogue prices start ${CATALOGUE_START})`);
  const months = options.months ?? 24;
  if (!Number.isSafeInteger(months) || months < 1 || months > 240)
    problems.push(`months must be an integer from 1 to 240 (got ${String(months)})`);
  const home = (options.homeCurrency ?? 'USD').toUpperCase();
  if (!(SAMPLE_CURRENCIES as readonly string[]).includes(home))
    problems.push(`homeCurrency must be one of ${SAMPLE_CURRENCIES.join(', ')} (got '${options.homeCurrency}')`);
  const format = options.format ?? 'csv';
  if (!['csv', 'xlsx', 'zip'].includes(format))
    problems.push(`format must be csv, xlsx or zip (got '${String(format)}')`);
  const deliveries = options.deliveries ?? 'single';
  if (!['single', 'monthly'].includes(deliveries))
    problems.push(`deliveries must be single or monthly (got '${String(deliveries)}')`);
  if (format === 'xlsx' && deliveries === 'monthly')
    problems.push("deliveries 'monthly' is for csv and zip; an xlsx workbook is one delivery");
  const plannedOrders = orderLines !== null ? Math.max(1, Math.round(orderLines / MEAN_LINES_PER_ORDER)) : contracts;
  const lines = orderLines ?? Math.round(contracts * MEAN_LINES_PER_ORDER);
  if (format === 'xlsx' && lines > XLSX_MAX_ORDER_LINES)
    problems.push(`xlsx is for small workbooks (at most ${XLSX_MAX_ORDER_LINES} order lines); use csv or zip`);
  if (problems.length > 0) {
    throw new ConfigError(`Invalid sample options: ${problems.join('; ')}`, {
      hint: 'see src/sample/README.md for the options',
    });
  }
  const first = firstDay as number;
  const badRows = options.badRows ?? true;
  return {
    outDir,
    seed,
    contracts,
    orderLines,
    plannedOrders,
    firstPeriod,
    months,
    homeCurrency: home as SampleCurrency,
    badRows,
    fxGap: options.fxGap ?? badRows,
    format,
    deliveries,
    writeSummary: options.writeSummary ?? true,
    firstDay: first,
    lastDay: addMonths(first, months) - 1,
  };
}

/** `YYYYMM` of a day. */
export function periodOf(day: number): string {
  return formatDay(day).slice(0, 7).replace('-', '');
}
