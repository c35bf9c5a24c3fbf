/**
 * `meta.frozen_line_state` keeps only what `fct_line_current` reads of a line's last frozen row; a warehouse made
 * when it kept every line-period column is narrowed when a writing command opens it, its rows kept.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, expect, it } from 'vitest';

import '../../../src/periods/period-tables.js';
import { LINE_PERIOD_COLUMNS, LINE_STATE_COLUMNS, lineperiodTableDdl } from '../../../src/periods/line-period-columns.js';
import { ensureStateTables } from '../../../src/warehouse/state-tables.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'revrec-frozen-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const columnsOf = async (wh: Warehouse) =>
  (await wh.rows<{ column_name: string }>(`SELECT column_name FROM duckdb_columns() WHERE schema_name = 'meta' AND table_name = 'frozen_line_state' ORDER BY column_index`)).map((r) => r.column_name);

it('an old warehouse with every line-period column in frozen_line_state is narrowed to the state columns, its rows kept', async () => {
  const path = join(dir, 'w.duckdb');
  const old = await Warehouse.open({ path, threads: 1 });
  await old.run('CREATE SCHEMA meta');
  await old.run(lineperiodTableDdl('meta.frozen_line_state'));
  await old.run(`INSERT INTO meta.frozen_line_state (actg_period, line_key, cum_revenue_txn, beg_unearned_txn, net_txn) VALUES (202412, 'O|A1', 1200, 50, -7)`);
  old.close();

  const wh = await Warehouse.open({ path, threads: 1 });
  try {
    await ensureStateTables(wh);
    const state = LINE_STATE_COLUMNS.map(([name]) => name);
    expect(await columnsOf(wh)).toEqual(state);
    expect(state.length).toBeLessThan(LINE_PERIOD_COLUMNS.length);
    expect(await wh.rows('SELECT actg_period, line_key, cum_revenue_txn, net_txn FROM meta.frozen_line_state')).toEqual([
      { actg_period: 202412, line_key: 'O|A1', cum_revenue_txn: '1200', net_txn: '-7' },
    ]);
  } finally {
    wh.close();
  }
});

it('a new warehouse gets the state columns from the start', async () => {
  const wh = await Warehouse.open({ path: join(dir, 'n.duckdb'), threads: 1 });
  try {
    await ensureStateTables(wh);
    expect(await columnsOf(wh)).toEqual(LINE_STATE_COLUMNS.map(([name]) => name));
  } finally {
    wh.close();
  }
});
