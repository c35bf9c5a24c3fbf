import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DeliveryQueue, ExportDeliveryError } from '../../../src/export/export-delivery.js';
import { writeTypeFiles } from '../../../src/export/export-file-writer.js';
import type { WrittenFile } from '../../../src/export/export-file-writer.js';
import { exportType } from '../../../src/export/export-types.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';
import { RecordingReporter } from '../engine/engine-harness.js';
import { readBack } from './export-test-kit.js';

const sftp = inject('sftpServer');

describe('export files and their delivery', () => {
  let wh: Warehouse;
  let dir: string;
  beforeAll(async () => {
    wh = await Warehouse.open({ path: ':memory:', threads: 1 });
    dir = await mkdtemp(join(tmpdir(), 'revrec-export-files-'));
  });
  afterAll(async () => {
    wh?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an empty type header-only, in CSV and in Parquet (with its column types)', async () => {
    const type = exportType('expenses');
    await wh.run(
      `CREATE TABLE empty_expenses (Actg_Period INTEGER, Sales_Order_Id VARCHAR, Sales_Order_Item_Id VARCHAR, Product_Id VARCHAR,
        Beginning_Deferred_Expense BIGINT, New_Commissions BIGINT, Commission_Amortization BIGINT, Ending_Deferred_Expense BIGINT,
        _amount_minor_unit INTEGER, Version BIGINT, _record_key VARCHAR)`,
    );
    const written = await writeTypeFiles(wh, { type, source: 'empty_expenses', formats: ['csv', 'parquet'], dir, fileName: (f) => `empty.${f}`, withVersion: false, amountScale: 2 });
    const [csv, parquet] = await Promise.all(written.files);
    expect(await readFile(join(dir, 'empty.csv'), 'utf8')).toBe(`${type.columns.map((c) => c.name).join(',')}\n`);
    expect(csv).toMatchObject({ rows: 0, controlTotals: { Beginning_Deferred_Expense: '0.00', New_Commissions: '0.00', Commission_Amortization: '0.00', Ending_Deferred_Expense: '0.00' } });
    const back = await readBack(`SELECT * FROM read_parquet('${parquet!.path}')`);
    expect(back.rows).toEqual([]);
    expect(back.columns).toEqual(type.columns.map((c) => c.name));
    expect(back.types).toEqual(['INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'DECIMAL(18,2)', 'DECIMAL(18,2)', 'DECIMAL(18,2)', 'DECIMAL(18,2)']);
  });

  it('sums control totals exactly across currencies with different decimals', async () => {
    const type = exportType('invoices');
    await wh.run(
      `CREATE TABLE some_invoices AS SELECT * FROM (VALUES
        (202401, 'SO-1', 'SO-1-01', 'INV-1', '2024-01-01'::DATE, 12345::BIGINT, 'USD', 2),
        (202401, 'SO-2', 'SO-2-01', 'INV-2', '2024-01-02'::DATE, 5000::BIGINT, 'JPY', 0),
        (202401, 'SO-3', 'SO-3-01', 'CM-3', '2024-01-03'::DATE, -1001::BIGINT, 'BHD', 3)
      ) AS t(Actg_Period, Sales_Order_Id, Sales_Order_Item_Id, Invoice_Number, Billing_Date, Billing_Amount, Currency, _amount_minor_unit)`,
    );
    await wh.run(`ALTER TABLE some_invoices ADD COLUMN BS_CustomField02 VARCHAR`);
    for (const n of ['03', '04', '05', '06', '07', '08', '09', '10']) await wh.run(`ALTER TABLE some_invoices ADD COLUMN BS_CustomField${n} VARCHAR`);
    const written = await writeTypeFiles(wh, { type, source: 'some_invoices', formats: ['csv', 'parquet'], dir, fileName: (f) => `inv.${f}`, withVersion: false, amountScale: 3 });
    const [csv] = await Promise.all(written.files);
    // 123.45 + 5000 − 1.001 = 5122.449, with the run's three decimals.
    expect(csv!.controlTotals).toEqual({ Billing_Amount: '5122.449' });
    expect((await readFile(join(dir, 'inv.csv'), 'utf8')).split('\n').slice(1, 4).map((l) => l.split(',').at(-2))).toEqual(['123.45', '5000', '-1.001']);
  });

  it('a failed destination names itself and the file; others still get every file; no secret is shown', async () => {
    if (!sftp) throw new Error('tests/global-setup.ts did not start sshd');
    const good = join(dir, 'good');
    const files: WrittenFile[] = [];
    for (const name of ['a.csv', 'b.csv']) {
      await writeFile(join(dir, name), `${name}\n`);
      files.push({ name, type: 'orders', format: 'csv', path: join(dir, name), rows: 1, bytes: 6, sha256: 'x', controlTotals: {} });
    }
    const reporter = new RecordingReporter();
    const queue = new DeliveryQueue(
      [
        { name: 'good', store: { kind: 'local', folder: good } },
        // A wrong password is refused by the server: a permanent fault, reported after no retries.
        { name: 'erp-sftp', store: { kind: 'sftp', host: sftp.host, port: sftp.port, username: sftp.username, password: 'wrong-password-123', folder: 'x', hostKey: sftp.hostKeySha256 } },
      ],
      { reporter, clock: () => new Date('2024-02-01T00:00:00Z') },
    );
    for (const f of files) queue.enqueue(Promise.resolve(f));
    const manifest: WrittenFile = { ...files[0]!, name: 'manifest.json', type: 'manifest', format: 'json' };
    const { deliveries, firstError } = await queue.finish(manifest);
    expect(deliveries.filter((d) => d.destination === 'good').map((d) => [d.file, d.status])).toEqual([
      ['a.csv', 'delivered'],
      ['b.csv', 'delivered'],
      ['manifest.json', 'delivered'],
    ]);
    expect(deliveries.filter((d) => d.destination === 'erp-sftp').map((d) => [d.file, d.status])).toEqual([
      ['a.csv', 'failed'],
      ['b.csv', 'not_attempted'],
      ['manifest.json', 'not_attempted'],
    ]);
    const error = new ExportDeliveryError(
      deliveries.filter((d) => d.status === 'failed'),
      'revrec export close --period 202401',
      firstError,
    );
    expect(error.message).toMatch(new RegExp(`^export delivery to destination "erp-sftp" \\(sftp://${sftp.username}@${sftp.host}:${sftp.port}/.*\\) failed for a\\.csv: `));
    expect(error.hint).toBe('fix the destination, then run revrec export close --period 202401');
    expect(JSON.stringify([error.message, deliveries, reporter.logs])).not.toContain('wrong-password-123');
  });
});
