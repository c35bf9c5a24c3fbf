import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_TYPES } from '../../../src/export/export-types.js';
import { expectGolden, ExportProject, FIXTURE_INPUTS, numeric, readCsv, readParquetAsText, useFixtureProject, verifyManifest } from './export-test-kit.js';

/** Rows of a continuous file as objects (CSV text cells). */
async function rowsOf(p: ExportProject, name: string): Promise<Record<string, string>[]> {
  const { columns, rows } = await readCsv(join(p.outbox, name));
  return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]!])));
}

/** The continuous data file of a type written by a run (the run's files say which version it got). */
function fileOf(outcome: { files?: readonly { name: string; type: string; format: string }[] }, type: string): string | undefined {
  return outcome.files?.find((f) => f.type === type && f.format === 'csv')?.name;
}

describe('continuous export of the hand-made fixture', () => {
  let p: ExportProject;

  beforeAll(async () => {
    p = await ExportProject.create({ now: '2024-02-01T09:00:00Z' });
    await p.landFixture();
    const closed = await p.close();
    expect(closed.closed, closed.reasons.join('; ')).toBe(true);
  });
  afterAll(async () => {
    await p?.cleanup();
  });

  it('first run: every record once, one file per type named by its highest Version, Version last, then the manifest', async () => {
    p.setNow('2024-02-01T23:00:00Z');
    const outcome = await p.continuous();
    expect(outcome.status).toBe('delivered');
    const continuous = (await p.outboxFiles()).filter((n) => n.startsWith('continuousexport-'));
    expect(continuous.filter((n) => n.endsWith('.csv')).length).toBe(EXPORT_TYPES.length);
    for (const name of continuous.filter((n) => n.endsWith('.csv'))) {
      await expectGolden(await p.readOutbox(name), `continuous/${name}`);
      const type = EXPORT_TYPES.find((t) => name.startsWith(`continuousexport-${t.name}-`))!;
      const { columns, rows } = await readCsv(join(p.outbox, name));
      expect(columns).toEqual([...type.columns.map((c) => c.name), 'Version']);
      const highest = Math.max(...rows.map((r) => Number(r.at(-1))));
      expect(name).toBe(`continuousexport-${type.name}-${highest}.csv`);
      // Parquet holds the same rows.
      const parquet = await readParquetAsText(join(p.outbox, name.replace(/\.csv$/, '.parquet')));
      expect(parquet.rows.map((r) => r.map(numeric))).toEqual(rows.map((r) => r.map(numeric)));
    }
    // Journals only for closed periods: 202401 is closed, 202402 (current) is not exported.
    expect((await rowsOf(p, fileOf(outcome, 'journals')!)).every((r) => r.Actg_Period === '202401')).toBe(true);
    // Both the frozen 202401 rows and the current 202402 rows go out.
    expect(new Set((await rowsOf(p, fileOf(outcome, 'orders')!)).map((r) => r.Actg_Period))).toEqual(new Set(['202401', '202402']));
    const manifest = await verifyManifest(p.outbox, `continuousexport-manifest-${outcome.version}.json`);
    expect(manifest).toMatchObject({ job: 'continuous', version: Number(outcome.version) });
    expect(await p.readOutbox(`continuousexport-control-${outcome.version}.csv`)).toBe(`Closed_Period,Export_Timestamp,Version\n202401,2024-02-01T23:00:00Z,${outcome.version}\n`);
  });

  it('a second run with nothing new writes no file at all', async () => {
    p.setNow('2024-02-01T23:30:00Z');
    const before = await p.outboxFiles();
    const outcome = await p.continuous();
    expect(outcome.status).toBe('empty');
    expect(await p.outboxFiles()).toEqual(before);
    expect(await p.wh.scalar("SELECT status FROM meta.export_runs WHERE job = 'continuous' ORDER BY started_at DESC LIMIT 1")).toBe('empty');
  });

  it('late data after the close lands in the current period; the closed period does not change', async () => {
    const closedInvoices = await p.readOutbox('closedperiodexport-invoices-202401.csv');
    await p.land({ 'invoices_late.csv': 'Invoice_Number,Document_Type,Sales_Order_Id,Sales_Order_Item_Id,Billing_Date,Billing_Amount,Currency\nINV-5,INV,SO-1,SO-1-03,2024-01-25,2000.00,USD\n' });
    await p.build();
    p.setNow('2024-02-02T23:00:00Z');
    const outcome = await p.continuous();
    expect(outcome.status).toBe('delivered');
    const invoices = await rowsOf(p, fileOf(outcome, 'invoices')!);
    expect(invoices).toEqual([expect.objectContaining({ Actg_Period: '202402', Invoice_Number: 'INV-5', Billing_Date: '2024-01-25', Billing_Amount: '2000.00', Version: '6' })]);
    // The billing catches up in the current period's rollforward of its line.
    const rollforward = await rowsOf(p, fileOf(outcome, 'unearned_revenue_rollforward')!);
    expect(rollforward).toEqual([expect.objectContaining({ Actg_Period: '202402', Sales_Order_Id: 'SO-1', Product_Code: 'ONB-STD', New_Billing: '2000.00', Version: '6' })]);
    // The frozen period's rows are what they were.
    expect(await p.wh.rows("SELECT Invoice_Number FROM exports.exp_invoices WHERE Actg_Period = 202401 AND Invoice_Number = 'INV-5'")).toEqual([]);
    expect(closedInvoices).not.toContain('INV-5');
    // SO-1's order rows did not change (only their lines' Version did): a new load that changes nothing in a record
    // does not send it again.
    expect(outcome.changes.orders).toMatchObject({ changed: 0, zeroed: 0 });
  });

  it('holds back the records of an FX-pending line and sends them once the rate arrives', async () => {
    await p.land({
      // A GBP order without any GBP rate, and an EUR invoice on SO-2 with no EUR rate within 3 days of its date.
      'orders_gbp.csv':
        'Sales_Order_Id,Sales_Order_Item_Id,Customer_Id,Product_Id,Order_Date,Quantity,List_Price,Sale_Price,SSP,Currency,Service_Start_Date,Service_End_Date,Reference_Invoice_Number\nSO-5,SO-5-01,C-500,P-100,2024-02-05,1,285.00,285.00,,GBP,2024-02-05,2025-02-04,\n',
      'invoices_eur.csv': 'Invoice_Number,Document_Type,Sales_Order_Id,Sales_Order_Item_Id,Billing_Date,Billing_Amount,Currency\nINV-6,INV,SO-2,SO-2-01,2024-02-20,10.00,EUR\n',
    });
    await p.build();
    expect((await p.wh.rows<{ code: string }>("SELECT DISTINCT code FROM stage.stage_records WHERE code = 'FX_PENDING'")).length).toBe(1);
    p.setNow('2024-02-20T23:00:00Z');
    const held = await p.continuous();
    expect(held.status).toBe('delivered');
    // Orders and invoices stay in the exports while pending (transaction currency).
    expect((await rowsOf(p, fileOf(held, 'orders')!)).map((r) => r.Sales_Order_Item_Id)).toContain('SO-5-01');
    expect((await rowsOf(p, fileOf(held, 'invoices')!)).map((r) => r.Invoice_Number)).toContain('INV-6');
    // No home-currency record of SO-5 or SO-2 goes out: not new ones, and not SO-2's earlier 202402 rows at zero.
    for (const type of ['unearned_revenue_rollforward', 'revenue', 'deferred_revenue_balance', 'revenue_backlog', 'expenses']) {
      const name = fileOf(held, type);
      if (name) expect((await rowsOf(p, name)).filter((r) => r.Sales_Order_Id === 'SO-5' || r.Sales_Order_Id === 'SO-2'), type).toEqual([]);
    }
    expect(held.changes.unearned_revenue_rollforward?.held).toBe(1);
    expect(held.changes.revenue_backlog?.held).toBe(1);

    await p.land({ 'fx_rates_feb.csv': 'From_Currency,To_Currency,Rate_Date,Rate\nGBP,USD,2024-02-05,1.2700\nEUR,USD,2024-02-19,1.0900\n' });
    await p.build();
    p.setNow('2024-02-21T23:00:00Z');
    const released = await p.continuous();
    expect(released.status).toBe('delivered');
    const rollforward = await rowsOf(p, fileOf(released, 'unearned_revenue_rollforward')!);
    expect(rollforward.map((r) => `${r.Actg_Period} ${r.Sales_Order_Id}`).sort()).toEqual(['202402 SO-2', '202402 SO-5']);
    expect(rollforward.find((r) => r.Sales_Order_Id === 'SO-5')).toMatchObject({ Currency: 'GBP', Booking_Amount: '361.95', Version: '9' });
    // SO-2's backlog did not change with its invoice: held while pending, and not sent again once released.
    expect((await rowsOf(p, fileOf(released, 'revenue_backlog')!)).map((r) => r.Sales_Order_Item_Id)).toEqual(['SO-5-01']);
    expect((await p.continuous()).status).toBe('empty');
  });

  it('sends a record that disappears once more with its amounts at 0, then never again', async () => {
    await p.land({ 'exclusions.csv': 'Transaction_ID\nSO-4\n' });
    await p.build();
    p.setNow('2024-02-22T23:00:00Z');
    const outcome = await p.continuous();
    expect(outcome.status).toBe('delivered');
    const orders = await rowsOf(p, fileOf(outcome, 'orders')!);
    expect(orders).toEqual([
      expect.objectContaining({ Actg_Period: '202402', Sales_Order_Item_Id: 'SO-4-01', Bookings_Amount: '0.00', Allocated_Revenue: '0.00', MRR: '0.00', Quantity: '1', Version: '10' }),
    ]);
    expect(outcome.changes.orders).toMatchObject({ changed: 0, zeroed: 1 });
    // Its revenue is reversed in the current period (a change, not a disappearance).
    const revenue = await rowsOf(p, fileOf(outcome, 'revenue')!);
    // The reversal's own Version does not grow (the mart keeps the line's last one): it gets the newest load's.
    expect(revenue).toEqual([expect.objectContaining({ Actg_Period: '202402', Sales_Order_Id: 'SO-4', Revenue: '-98.63', Version: '10' })]);
    await verifyManifest(p.outbox, `continuousexport-manifest-${outcome.version}.json`);
    expect((await p.continuous()).status).toBe('empty');
  });

  it('reuses a file name only by bundling: a later run with the same highest Version keeps the earlier records', async () => {
    // A reopen makes the current period's records change without any new load: same highest Version as before.
    const before = (await p.outboxFiles()).filter((n) => n.startsWith('continuousexport-'));
    await p.reopen();
    p.setNow('2024-02-23T23:00:00Z');
    const outcome = await p.continuous();
    expect(outcome.status).toBe('delivered');
    const manifest = await verifyManifest(p.outbox, `continuousexport-manifest-${outcome.version}.json`);
    for (const entry of manifest.files) expect((await p.outboxFiles()).includes(entry.name), entry.name).toBe(true);
    // Journals of 202401 vanish from the exportable set (the period is open again): zero rows.
    const journals = await rowsOf(p, fileOf(outcome, 'journals')!);
    expect(journals.length).toBeGreaterThan(0);
    expect(journals.every((r) => r.Credit_Amount === '0.00' && r.Debit_Amount === '0.00')).toBe(true);
    // This run's orders file reuses the name of the exclusion run's (highest Version 10): that run's zero row of SO-4-01
    // is bundled in again rather than overwritten away.
    const orders = fileOf(outcome, 'orders')!;
    expect(before).toContain(orders);
    expect((await rowsOf(p, orders)).filter((r) => r.Sales_Order_Item_Id === 'SO-4-01' && r.Actg_Period === '202402')).toEqual([
      expect.objectContaining({ Bookings_Amount: '0.00', Version: '10' }),
    ]);
  });
});

describe('continuous export of a view that repeats a record key', () => {
  const project = useFixtureProject({ build: true });

  it('fails before writing or recording anything, naming the view; once the view is mended everything goes out', async () => {
    const p = project();
    await p.wh.run('ALTER VIEW exports.exp_orders RENAME TO exp_orders_mended');
    await p.wh.run('CREATE VIEW exports.exp_orders AS SELECT * FROM exports.exp_orders_mended UNION ALL (SELECT * FROM exports.exp_orders_mended ORDER BY _record_key LIMIT 1)');
    await expect(p.continuous()).rejects.toThrow(/continuous export of orders has 2 rows for record key .*/);
    expect((await p.outboxFiles()).filter((n) => n.startsWith('continuousexport-'))).toEqual([]);
    expect(await p.wh.scalar('SELECT count(*) FROM meta.continuous_sent_orders')).toBe('0');

    await p.wh.run('DROP VIEW exports.exp_orders');
    await p.wh.run('ALTER VIEW exports.exp_orders_mended RENAME TO exp_orders');
    const outcome = await p.continuous();
    expect(outcome.status).toBe('delivered');
    expect(Number(await p.wh.scalar('SELECT count(*) FROM meta.continuous_sent_orders'))).toBeGreaterThan(0);
  });
});

describe('continuous export after an item moves to another order', () => {
  const project = useFixtureProject({ build: true });

  // The slice of a daily export is the orders its builds logged (change-log.ts); it no longer also searches every
  // delivered record for orders that are gone. An item that leaves its order is the case that search was for: the
  // build's slice takes every order of any version of a touched item (int_rechain_scope), so the old order is logged.
  it("sends the old order's records once more at zero and the new order's records, comparing only the logged orders", async () => {
    const p = project();
    expect((await p.continuous()).status).toBe('delivered');
    const header = (await readFile(join(FIXTURE_INPUTS, 'orders.csv'), 'utf8')).split('\n')[0];
    const row = (await readFile(join(FIXTURE_INPUTS, 'orders.csv'), 'utf8')).split('\n').find((l) => l.startsWith('SO-2,'))!;
    await p.land({ 'orders_moved.csv': `${header}\n${row.replace(/^SO-2,/, 'SO-5,')}\n` });
    await p.build();
    expect(await p.wh.scalar("SELECT count(*) FROM meta.change_log WHERE NOT everything AND seq > (SELECT max(seq) FROM meta.change_log_marks)")).toBe('1');
    p.setNow('2024-01-31T23:00:00Z');
    const outcome = await p.continuous();
    expect(outcome.status).toBe('delivered');
    const amounts = (r: Record<string, string>) => Object.entries(r).filter(([k]) => /Amount|Revenue|Balance|MRR|Backlog/i.test(k));
    const sent: Record<string, Record<string, string>[]> = {};
    for (const type of Object.keys(outcome.changes)) {
      const file = fileOf(outcome, type);
      if (file) sent[type] = await rowsOf(p, file);
    }
    // Records per order: the old order's go out once more at zero, the new order's as new records.
    for (const type of ['unearned_revenue_rollforward', 'revenue', 'deferred_revenue_balance']) {
      expect(outcome.changes[type as keyof typeof outcome.changes], type).toMatchObject({ changed: 1, zeroed: 1 });
      const old = sent[type]!.filter((r) => r.Sales_Order_Id === 'SO-2');
      expect(old.length, type).toBe(1);
      for (const [k, v] of amounts(old[0]!)) expect(numeric(v), `${type} ${k}`).toBe('0');
      expect(sent[type]!.filter((r) => r.Sales_Order_Id === 'SO-5').length, type).toBe(1);
    }
    // Records per item: the item's record changes its order.
    for (const type of ['orders', 'revenue_backlog']) {
      expect(outcome.changes[type as keyof typeof outcome.changes], type).toMatchObject({ changed: 1, zeroed: 0 });
      expect(sent[type]!.map((r) => [r.Sales_Order_Id, r.Sales_Order_Item_Id]), type).toEqual([['SO-5', 'SO-2-01']]);
    }
  });
});
