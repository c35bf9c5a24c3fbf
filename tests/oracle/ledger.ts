/**
 * The oracle's public API: `compute` the reported numbers of every line and period for today's data and a period
 * state, `close` the current period (freezing what it reports), `reopen` the latest closed period.
 *
 * Reported values (decision 1): a closed period shows exactly what was frozen at its close; the current period
 * shows cumulative-through-now with today's data minus the cumulative frozen at the latest close that froze the
 * line, with beginnings from that close; a future period shows `cum(p) − cum(p−1)`. FX-pending lines show nothing
 * and are not frozen (decision 2); a frozen line that left the books is reversed in full.
 */
import { convert } from '../../src/finance/fx.js';
import type { Period } from '../../src/finance/periods.js';
import { addPeriods, firstDay, lastDay } from '../../src/finance/periods.js';
import { buildBooks } from './books.js';
import { cumulativeThrough, lineHorizon, ZERO_VECTOR } from './line-cumulative.js';
import type { LineModel } from './line-model.js';
import type { FrozenLine, LedgerState, LineKind, OracleConfig, OracleInputs, OracleResult, ReportedRow } from './oracle-types.js';
import { hasContent, reportedRow } from './reported-rows.js';

/** The state before the first close: the configured first period is current, nothing is frozen. */
export function initialState(config: OracleConfig): LedgerState {
  return { currentPeriod: config.firstPeriod, closes: [] };
}

/** The key of a line in the period state: kind and key, since lines of different kinds may share a key over time. */
export function stateKey(line: { kind: LineKind; key: string }): string {
  return `${line.kind}|${line.key}`;
}

/** The latest frozen record of a line (by {@link stateKey}), if any close froze it. */
export function latestFrozen(state: LedgerState, key: string): FrozenLine | undefined {
  for (let i = state.closes.length - 1; i >= 0; i--) {
    const frozen = state.closes[i]!.lines.get(key);
    if (frozen) return frozen;
  }
  return undefined;
}

function journalClassOf(model: LineModel): string {
  const first = [...model.commissions].sort((a, b) => (a.id < b.id ? -1 : 1))[0];
  return first?.class ?? '';
}

function isZero(vector: object): boolean {
  return Object.values(vector).every((v) => v === 0n);
}

interface Evaluation {
  result: OracleResult;
  /** What closing now would freeze. */
  freeze: Map<string, FrozenLine>;
}

function evaluate(inputs: OracleInputs, state: LedgerState): Evaluation {
  const current = state.currentPeriod;
  const books = buildBooks(inputs, current);
  const homeMinorUnit = books.ref.homeMinorUnit;
  const rows: ReportedRow[] = [];
  const freeze = new Map<string, FrozenLine>();

  for (const close of state.closes) {
    for (const frozen of close.lines.values()) if (frozen.row) rows.push({ ...frozen.row, status: 'closed' });
  }

  const inBooks = new Set<string>();
  for (const model of books.models) {
    const id = stateKey(model.line);
    inBooks.add(id);
    if (model.line.fxPending) continue;
    const { key, kind } = model.line;
    const booking = { txn: model.line.booking, home: convert(model.line.booking, model.line.minorUnit, model.line.contractRate!, homeMinorUnit) };
    const journalClass = journalClassOf(model);
    let base = latestFrozen(state, id)?.cumulative ?? ZERO_VECTOR;
    const horizon = Math.max(current, lineHorizon(model));
    for (let period = current; period <= horizon; period = addPeriods(period, 1)) {
      const cumulative = cumulativeThrough(model, period, homeMinorUnit);
      const row = reportedRow(key, kind, period, period === current ? 'current' : 'future', base, cumulative, booking, journalClass);
      const reported = hasContent(row) ? row : undefined;
      if (reported) rows.push(reported);
      if (period === current) {
        freeze.set(id, { lineKey: key, lineKind: kind, cumulative, row: reported, booking: booking.txn, bookingHome: booking.home, journalClass });
      }
      base = cumulative;
    }
  }

  // Lines frozen before but no longer in the books are reversed in full in the current period.
  const frozenKeys = new Set(state.closes.flatMap((close) => [...close.lines.keys()]));
  for (const id of [...frozenKeys].sort()) {
    if (inBooks.has(id)) continue;
    const frozen = latestFrozen(state, id)!;
    if (isZero(frozen.cumulative)) continue;
    const booking = { txn: frozen.booking, home: frozen.bookingHome };
    const row = reportedRow(frozen.lineKey, frozen.lineKind, current, 'current', frozen.cumulative, ZERO_VECTOR, booking, frozen.journalClass);
    const reported = hasContent(row) ? row : undefined;
    if (reported) rows.push(reported);
    freeze.set(id, { ...frozen, cumulative: ZERO_VECTOR, row: reported });
  }

  rows.sort((a, b) => (a.lineKey < b.lineKey ? -1 : a.lineKey > b.lineKey ? 1 : a.lineKind < b.lineKind ? -1 : a.lineKind > b.lineKind ? 1 : a.period - b.period));
  return {
    result: {
      currentPeriod: current,
      homeCurrency: books.ref.homeCurrency,
      homeMinorUnit,
      lines: books.models.map((m) => m.line),
      rows,
      stage: books.stage,
    },
    freeze,
  };
}

/** The reported numbers for today's data in the given period state. */
export function compute(inputs: OracleInputs, state: LedgerState): OracleResult {
  return evaluate(inputs, state).result;
}

/** Closes the current period with today's data: freezes what it reports and opens the next period. */
export function close(inputs: OracleInputs, state: LedgerState): LedgerState {
  const { freeze } = evaluate(inputs, state);
  return {
    currentPeriod: addPeriods(state.currentPeriod, 1),
    closes: [...state.closes, { period: state.currentPeriod, lines: freeze }],
  };
}

/** Reopens the latest closed period: its frozen numbers are dropped and it is current again. */
export function reopen(state: LedgerState): LedgerState {
  const last = state.closes[state.closes.length - 1];
  if (!last) throw new Error(`oracle: nothing to reopen; periods before ${state.currentPeriod} were never closed here`);
  return { currentPeriod: last.period, closes: state.closes.slice(0, -1) };
}

/** Does the line's own service period overlap the period (orders export `IsActive`)? */
export function isActive(line: { serviceStartDate: string; serviceEndDate: string }, period: Period): boolean {
  return line.serviceStartDate <= lastDay(period) && line.serviceEndDate >= firstDay(period);
}
