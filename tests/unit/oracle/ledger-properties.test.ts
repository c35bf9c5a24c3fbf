import { describe, expect, test } from 'vitest';
import { convert } from '../../../src/finance/fx.js';
import { addPeriods } from '../../../src/finance/periods.js';
import { buildBooks } from '../../oracle/books.js';
import { close, compute, initialState } from '../../oracle/ledger.js';
import { lineHorizon, priceInForce } from '../../oracle/line-cumulative.js';
import type { LedgerState, ReportedRow } from '../../oracle/oracle-types.js';
import { allInputs, inputsAt, randomScenario } from '../../oracle/random-contracts.js';
import { ledgerProblems } from './ledger-invariants.js';

const big = (_: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);
const SEEDS = Array.from({ length: 40 }, (_, i) => 1000 + i);

const keyOf = (row: ReportedRow) => `${row.lineKey}@${row.period}`;

describe('oracle over seeded random contracts', () => {
  test.each(SEEDS)('seed %i: identities on every row, closed periods frozen, everything settles', (seed) => {
    const scenario = randomScenario(seed, { orders: 8 });
    let state: LedgerState = initialState(scenario.config);
    // What each period reported while it was current: a close must freeze exactly that, whatever comes later.
    const reportedWhenCurrent = new Map<string, ReportedRow>();
    const problems: string[] = [];
    let lineCount = 0;
    while (state.currentPeriod <= scenario.lastPeriod) {
      const inputs = inputsAt(scenario, state.currentPeriod);
      const result = compute(inputs, state);
      problems.push(...ledgerProblems(result));
      const closed = result.rows.filter((r) => r.status === 'closed');
      if (closed.length !== [...reportedWhenCurrent.values()].length) problems.push(`closed row count changed in ${state.currentPeriod}`);
      for (const row of closed) {
        const then = reportedWhenCurrent.get(keyOf(row));
        if (!then || JSON.stringify({ ...then, status: 'closed' }, big) !== JSON.stringify(row, big)) problems.push(`closed row ${keyOf(row)} differs from what was reported`);
      }
      for (const row of result.rows) if (row.status === 'current') reportedWhenCurrent.set(keyOf(row), row);
      state = close(inputs, state);
      lineCount = result.lines.length;
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(lineCount).toBeGreaterThan(0);

    // With all data in and every date in the past, each line has settled.
    const inputs = allInputs(scenario);
    const result = compute(inputs, state);
    const books = buildBooks(inputs, state.currentPeriod);
    for (const model of books.models) {
      const rows = result.rows.filter((r) => r.lineKey === model.line.key);
      if (model.line.fxPending) continue;
      expect(lineHorizon(model)).toBeLessThan(state.currentPeriod);
      const sum = (view: 'txn' | 'home', field: 'revenue' | 'newBooking' | 'newBilling' | 'newCommissions' | 'amortization' | 'adjustment') =>
        rows.reduce((s, r) => s + r[view][field], 0n);
      const finalPrice = priceInForce(model, state.currentPeriod);
      expect(sum('txn', 'revenue'), `schedule of ${model.line.key}`).toBe(finalPrice);
      expect(sum('txn', 'newBooking')).toBe(finalPrice);
      expect(sum('home', 'revenue')).toBe(convert(finalPrice, model.line.minorUnit, model.line.contractRate!, result.homeMinorUnit));
      expect(sum('txn', 'newBilling')).toBe(model.documents.reduce((s, d) => s + d.billing, 0n));
      expect(sum('txn', 'newBilling') - sum('txn', 'revenue') + sum('txn', 'adjustment')).toBe(0n);
      expect(sum('home', 'newCommissions')).toBe(sum('home', 'amortization'));
      const last = rows[rows.length - 1];
      if (last) {
        for (const view of ['txn', 'home'] as const) {
          expect(last[view].endingUnearned, `ends settled ${model.line.key}`).toBe(0n);
          expect(last[view].endingUnbilled).toBe(0n);
          expect(last[view].endingBacklog, `backlog ends at zero ${model.line.key}`).toBe(0n);
          expect(last[view].endingDeferredExpense).toBe(0n);
        }
      }
    }
  });

  test('the generator covers the interesting cases', () => {
    const codes = new Set<string>();
    const kinds = new Set<string>();
    let splits = 0;
    for (const seed of SEEDS) {
      const scenario = randomScenario(seed, { orders: 8 });
      const result = compute(allInputs(scenario), initialState({ ...scenario.config, firstPeriod: addPeriods(scenario.lastPeriod, 0) }));
      for (const entry of result.stage) codes.add(entry.code);
      for (const line of result.lines) {
        kinds.add(line.kind);
        if (line.recognition.length > 1) splits++;
      }
    }
    expect([...kinds].sort()).toEqual(['external', 'invoice', 'order']);
    for (const code of ['MISSING_SSP', 'UNKNOWN_REFERENCE', 'IVC_PARTIAL', 'CMC_PARTIAL', 'CM_EXCEEDS_BILLED', 'EXCLUDED', 'NO_CONTRACT_LINE', 'BAD_OVERRIDE', 'UNKNOWN_LINE']) {
      expect(codes, code).toContain(code);
    }
    expect(splits).toBeGreaterThan(3);
  });
});
