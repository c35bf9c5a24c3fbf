/**
 * The change log the continuous export reads (src/periods/change-log.ts): a daily build logs the orders it rebuilt and
 * the export compares only those; anything that may have changed more (the first build, a --select run, a
 * --full-refresh, a close) logs "everything", and the next export compares every record.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../../../src/run/invocation.js';
import { ExportProject, readCsv } from './export-test-kit.js';

const ORDERS_HEADER =
  'Sales_Order_Id,Sales_Order_Item_Id,Customer_Id,Product_Id,Order_Date,Quantity,List_Price,Sale_Price,SSP,Currency,Service_Start_Date,Service_End_Date,Reference_Invoice_Number';

describe('change log and the continuous export', () => {
  let p: ExportProject;
  const lastEntry = () =>
    p.wh.rows<{ everything: boolean; reason: string }>('SELECT everything, reason FROM meta.change_log ORDER BY seq DESC LIMIT 1').then((r) => r[0]);
  const mark = () => p.wh.scalar<bigint>("SELECT seq FROM meta.change_log_marks WHERE consumer = 'continuous_export'");

  beforeAll(async () => {
    p = await ExportProject.create({ now: '2024-01-20T09:00:00Z' });
    await p.landFixture();
    await p.build();
  });
  afterAll(async () => {
    await p?.cleanup();
  });

  it('the first build logs everything; the first export compares everything and sets its mark', async () => {
    expect(await lastEntry()).toEqual({ everything: true, reason: 'build (full)' });
    expect(await mark()).toBeUndefined();
    expect((await p.continuous()).status).toBe('delivered');
    expect(await mark()).toBe(await p.wh.scalar<bigint>('SELECT max(seq) FROM meta.change_log'));
  });

  it('a day changing one order logs that order; the export sends only its records and forgets the entry', async () => {
    p.setNow('2024-01-21T09:00:00Z');
    await p.land({ 'orders_day2.csv': `${ORDERS_HEADER}\nSO-1,SO-1-01,C-100,P-100,2024-01-01,2,400.00,380.00,,USD,2024-01-01,2024-12-31,\n` });
    await p.build();
    expect(await lastEntry()).toEqual({ everything: false, reason: 'build (orders touched by new files)' });
    const logged = await p.wh.rows<{ sales_order_id: string }>('SELECT DISTINCT sales_order_id FROM meta.change_log_orders');
    expect(logged).toEqual([{ sales_order_id: 'SO-1' }]);
    const outcome = await p.continuous();
    expect(outcome.status).toBe('delivered');
    const orders = outcome.files!.find((f) => f.type === 'orders' && f.format === 'csv')!;
    const { columns, rows } = await readCsv(join(p.outbox, orders.name));
    const at = columns.indexOf('Sales_Order_Id');
    // SO-1's three lines are reallocated; nothing of another order is sent.
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r[at]))).toEqual(new Set(['SO-1']));
    expect(Number(await p.wh.scalar('SELECT count(*) FROM meta.change_log_orders'))).toBe(0);
    expect((await p.continuous()).status).toBe('empty');
  });

  it('a --select run, a --full-refresh build and a close each log everything', async () => {
    await runBuild({ command: 'run', projectDir: p.dir, env: p.env, reporter: p.reporter, warehouse: p.wh, clock: p.clock, select: ['int_allocation'] });
    expect(await lastEntry()).toEqual({ everything: true, reason: 'run with --select, or a failed build' });
    await runBuild({ command: 'build', projectDir: p.dir, env: p.env, reporter: p.reporter, warehouse: p.wh, clock: p.clock, fullRefresh: true });
    expect(await lastEntry()).toEqual({ everything: true, reason: 'build (full)' });
    // Comparing everything finds nothing new: the rebuild changed nothing.
    expect((await p.continuous()).status).toBe('empty');
    p.setNow('2024-02-01T09:00:00Z');
    const closed = await p.close();
    expect(closed.closed, closed.reasons.join('; ')).toBe(true);
    const reasons = await p.wh.rows<{ reason: string }>('SELECT reason FROM meta.change_log ORDER BY seq');
    expect(reasons.map((r) => r.reason)).toContain('close 202401');
  });
});
