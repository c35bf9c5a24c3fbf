import { addBeforeTestsHook } from '../warehouse/state-tables.js';
import type { TestNarrowing, TestRunInfo } from '../warehouse/state-tables.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { readBuiltScope, RECOMPUTED_LINES_SQL } from './built-scope.js';

/** The DuckDB variable the data tests read (macro in_test_slice): unset, they check every row. */
const VARIABLE = 'revrec_test_slice';

/**
 * A daily build checks only what it recomputed. The line-level data tests (journals_identities,
 * schedule_sums_to_final_price, backlog_ends_at_zero) then take only the lines of `int_rechain_scope` and
 * `int_side_scope` (macro in_test_slice), when:
 * - this run is a complete `build` whose models all succeeded, and it recomputed a slice (`int_build_scope`: not the
 *   whole chain, the period did not move);
 * - the previous complete build ran every data test of the project as it is now (the same names and compiled SQL)
 *   and every one passed (`meta.build_state.tests_passed_hash`), and no partial or failed run came since (it clears
 *   the hash: period-tables.ts).
 *
 * Why that is enough: a line's failures depend on that line's rows only, and the rows of a line outside the slice
 * are the rows the previous build checked (the models replace only the slice; `incremental-equivalence.test.ts`
 * checks that the result equals a full rebuild). By induction every line is checked. Anything else (the first
 * build, a close, a reopen, a changed project or test, a failed or partial run, `revrec test`, `--full-refresh`)
 * checks every row. At 1M lines this takes the three tests from 1.2 s to 0.5 s of a daily build, and it keeps
 * `schedule_sums_to_final_price` from reading the whole frozen history each day.
 */
export async function narrowTestsToSlice(wh: Warehouse, run: TestRunInfo): Promise<TestNarrowing | undefined> {
  if (!run.completeBuild) return undefined;
  const scope = await readBuiltScope(wh);
  if (!scope || scope.fullRechain || scope.periodMoved) return undefined;
  // meta.build_state still holds the previous complete build's row: this build's is written after its tests.
  const passed = await wh.scalar<string | null>('SELECT tests_passed_hash FROM meta.build_state WHERE id = 1');
  if (passed !== run.testsHash) return undefined;
  await wh.run(
    `SET VARIABLE ${VARIABLE} = (SELECT coalesce(list(DISTINCT line_key), CAST([] AS VARCHAR[])) FROM (${RECOMPUTED_LINES_SQL}))`,
  );
  const lines = Number(await wh.scalar<bigint | number>(`SELECT len(getvariable('${VARIABLE}'))`));
  return {
    // the tests that read the variable (through macro in_test_slice; journals_identities also through its view)
    narrows: (compiledSql) => compiledSql.includes(VARIABLE),
    note: `checked the ${lines.toLocaleString('en-US')} line(s) this build recomputed; the previous build passed every test`,
    undo: async () => {
      await wh.run(`RESET VARIABLE ${VARIABLE}`);
    },
  };
}

addBeforeTestsHook(narrowTestsToSlice);
