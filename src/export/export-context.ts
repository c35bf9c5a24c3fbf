import { ExecutionError } from '../errors.js';
import type { Warehouse } from '../warehouse/warehouse.js';

/** What the built models say about the books: the period state they were built for and the export settings. */
export interface ExportContext {
  readonly currentPeriod: number;
  readonly lastClosedPeriod: number | null;
  readonly homeCurrency: string;
  readonly homeMinorUnit: number;
  readonly exportAmounts: string;
}

/**
 * Reads `intermediate.int_settings` and checks the models were built for the period state in `meta.period_closes`:
 * a close or reopen since the last build means the export models still show the old current period.
 */
export async function readExportContext(wh: Warehouse): Promise<ExportContext> {
  if (!(await wh.relationExists('intermediate', 'int_settings')) || !(await wh.relationExists('exports', 'exp_line_amounts'))) {
    throw new ExecutionError('the export models have not been built', { hint: 'run revrec build first' });
  }
  const [row] = await wh.rows<{ current_period: number; last_closed_period: number | null; home_currency: string; home_minor_unit: number | null; export_amounts: string; closed: number | null }>(
    'SELECT current_period, last_closed_period, home_currency, home_minor_unit, export_amounts, (SELECT max(actg_period) FROM meta.period_closes) AS closed FROM intermediate.int_settings',
  );
  if (!row) throw new ExecutionError('intermediate.int_settings is empty', { hint: 'run revrec build' });
  const built = row.last_closed_period === null ? null : Number(row.last_closed_period);
  const closed = row.closed === null ? null : Number(row.closed);
  if (built !== closed) {
    throw new ExecutionError(`the models were built when the last closed period was ${built ?? 'none'}, but it is now ${closed ?? 'none'}`, {
      hint: 'run revrec build, then export again',
    });
  }
  if (row.export_amounts !== 'home' && row.export_amounts !== 'transaction') {
    throw new ExecutionError(`vars.export_amounts must be home or transaction, got "${row.export_amounts}"`, { hint: 'fix pipeline.yml and rebuild' });
  }
  return {
    currentPeriod: Number(row.current_period),
    lastClosedPeriod: built,
    homeCurrency: row.home_currency,
    homeMinorUnit: row.home_minor_unit === null ? 2 : Number(row.home_minor_unit),
    exportAmounts: row.export_amounts,
  };
}
