import type { Warehouse } from '../warehouse/warehouse.js';

/** What the build that just ran recomputed, as its `int_build_scope` table says. */
export interface BuiltScope {
  /** The models after staging were rebuilt in full. */
  readonly fullRechain: boolean;
  /** The current period moved since the previous complete build (a close or reopen). */
  readonly periodMoved: boolean;
  readonly currentPeriod: number;
}

/**
 * The scope of the build that just ran, or undefined when the project has no slices (no `int_build_scope` and
 * `int_rechain_scope` tables: a project without the revrec chain, or a build that never got that far). Read after the
 * models ran, by the change log and the data-test slice.
 */
export async function readBuiltScope(wh: Warehouse): Promise<BuiltScope | undefined> {
  if (!(await wh.relationExists('intermediate', 'int_rechain_scope')) || !(await wh.relationExists('intermediate', 'int_build_scope'))) return undefined;
  const [row] = await wh.rows<{ full_rechain: boolean; period_moved: boolean; current_period: number }>(
    'SELECT full_rechain, period_moved, current_period FROM intermediate.int_build_scope',
  );
  return row ? { fullRechain: row.full_rechain, periodMoved: row.period_moved, currentPeriod: Number(row.current_period) } : undefined;
}
