import type { CompiledGraph } from '../compile/graph-types.js';
import type { Warehouse } from '../warehouse/warehouse.js';

/** The model that decides, for every incremental model, what a build must recompute. */
const BUILD_SCOPE_MODEL = 'int_build_scope';

/**
 * Whether building now would write exactly what the warehouse already holds: the last complete, successful build
 * (`meta.build_state`) consumed the newest landed version, built `currentPeriod`, had this project's state hash
 * (models, macros, seeds, vars) and the same stage deletions. `int_build_scope` is the model that makes this
 * judgement for the incremental models; its compiled SQL is asked here against the warehouse as it is now.
 *
 * A close right after the pipeline's build then runs the data tests instead of building everything again. Any doubt
 * (no watermark yet, the model missing, a period that moved without a build) answers false: build.
 */
export async function buildIsCurrent(wh: Warehouse, graph: CompiledGraph, currentPeriod: number): Promise<boolean> {
  const scope = Object.values(graph.nodes).find((n) => n.kind === 'model' && n.name === BUILD_SCOPE_MODEL);
  if (!scope || scope.kind !== 'model') return false;
  if (!(await wh.relationExists('intermediate', 'int_settings'))) return false;
  try {
    const [row] = await wh.rows<{ current: boolean }>(
      `SELECT NOT s.full_recompute AND s.current_version = s.previous_version AND b.current_period = $1 AS current
       FROM (${scope.compiledSql}) AS s
       JOIN meta.build_state AS b ON b.id = 1`,
      [currentPeriod],
    );
    return row?.current === true;
  } catch {
    // A relation the model reads is missing (nothing landed yet, an older warehouse): the build will say why.
    return false;
  }
}

/** The data tests of the last complete build, when they need not run again. */
export interface PassedTests {
  /** When that build finished (meta.build_state.built_at, UTC). */
  readonly builtAt: string;
  readonly tests: number;
}

/**
 * Whether the last complete build ran every data test of the project as it is now (the same ids and compiled SQL:
 * `meta.build_state.tests_passed_hash`, which a partial or failed run clears) and every one passed. Asked only when
 * {@link buildIsCurrent}: the tables they read are then the ones they passed on, so running them again would give
 * the same answer (1.1–1.3 s of a close at 1M lines).
 */
export async function testsPassedAtLastBuild(wh: Warehouse, tests: { count: number; hash: string }): Promise<PassedTests | undefined> {
  const [row] = await wh.rows<{ hash: string | null; built_at: string }>(
    `SELECT tests_passed_hash AS hash, strftime(built_at, '%Y-%m-%d %H:%M:%S') AS built_at FROM meta.build_state WHERE id = 1`,
  );
  return row?.hash != null && row.hash === tests.hash ? { builtAt: row.built_at, tests: tests.count } : undefined;
}
