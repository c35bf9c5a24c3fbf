import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCloseExport } from '../../../src/export/export-service.js';
import { EXPORT_TYPES } from '../../../src/export/export-types.js';
import { listAll } from '../../../src/transport/remote-store.js';
import { createRemoteStore } from '../../../src/transport/store-factory.js';
import type { StoreConfig } from '../../../src/transport/store-factory.js';
import { expectGolden, ExportProject, numeric, readCsv, readParquetAsText, verifyManifest } from './export-test-kit.js';

const s3 = inject('s3Servers').find((s) => s.kind === 's3rver');
const sftp = inject('sftpServer');
const RUN = Math.random().toString(36).slice(2, 10);

const PERIOD = 202401;
const names = (period: number, formats: readonly string[]) =>
  [...EXPORT_TYPES.flatMap((t) => formats.map((f) => `closedperiodexport-${t.name}-${period}.${f}`)), `closedperiodexport-manifest-${period}.json`].sort();

describe('close-period export of the hand-made fixture (local, S3, SFTP)', () => {
  if (!s3 || !sftp) throw new Error('tests/global-setup.ts did not start s3rver and sshd');
  const destinations = [
    { name: 'outbox', kind: 'local', folder: '{outbox}' },
    { name: 'bucket', kind: 's3', bucket: s3.bucket, prefix: `close-${RUN}`, region: s3.region, endpoint: s3.endpoint, access_key_id: '${TEST_S3_KEY}', secret_access_key: '${TEST_S3_SECRET}' },
    { name: 'finance-sftp', kind: 'sftp', host: sftp.host, port: sftp.port, username: sftp.username, password: '${TEST_SFTP_PASSWORD}', folder: `close-${RUN}`, host_key: sftp.hostKeySha256 },
  ];
  const exportsConfig = {
    destinations,
    close_period: { formats: ['csv', 'parquet'], destinations: ['outbox', 'bucket', 'finance-sftp'] },
    continuous: { formats: ['csv'], destinations: ['outbox'] },
  };
  const env = { TEST_S3_KEY: s3.accessKeyId, TEST_S3_SECRET: s3.secretAccessKey, TEST_SFTP_PASSWORD: sftp.password };
  let p: ExportProject;
  let firstManifest: Awaited<ReturnType<typeof verifyManifest>>;

  beforeAll(async () => {
    p = await ExportProject.create({ exports: exportsConfig, env, now: '2024-02-01T09:00:00Z' });
    await p.landFixture();
  });
  afterAll(async () => {
    await p?.cleanup();
  });

  it('closes 202401 and writes all nine types as CSV and Parquet plus the manifest', async () => {
    const outcome = await p.close();
    expect(outcome.closed, outcome.reasons.join('; ')).toBe(true);
    expect(outcome.checks.every((c) => c.ok)).toBe(true);
    expect(outcome.export).toEqual({ status: 'delivered', files: 19 });
    expect(await p.outboxFiles()).toEqual(names(PERIOD, ['csv', 'parquet']));
  });

  it('writes the CSV files of the golden fixture byte for byte', async () => {
    for (const type of EXPORT_TYPES) {
      const name = `closedperiodexport-${type.name}-${PERIOD}.csv`;
      await expectGolden(await p.readOutbox(name), `close/${name}`);
      const { columns } = await readCsv(join(p.outbox, name));
      expect(columns).toEqual(type.columns.map((c) => c.name));
    }
  });

  it('writes Parquet with DECIMAL, DATE, TIMESTAMP and BOOLEAN types holding the same values as the CSV', async () => {
    const schemas: Record<string, string[]> = {};
    for (const type of EXPORT_TYPES) {
      const base = join(p.outbox, `closedperiodexport-${type.name}-${PERIOD}`);
      const parquet = await readParquetAsText(`${base}.parquet`);
      const csv = await readCsv(`${base}.csv`);
      expect(parquet.columns).toEqual(csv.columns);
      expect(parquet.rows.map((r) => r.map(numeric))).toEqual(csv.rows.map((r) => r.map(numeric)));
      schemas[type.name] = parquet.columns.map((c, i) => `${c} ${parquet.types[i]}`);
    }
    await expectGolden(`${JSON.stringify(schemas, null, 2)}\n`, 'close/parquet-schemas.json');
    expect(schemas.orders).toContain('Bookings_Amount DECIMAL(18,2)');
    expect(schemas.orders).toContain('Order_Date DATE');
    expect(schemas.orders).toContain('IsActive BOOLEAN');
    expect(schemas.control).toContain('Export_Timestamp TIMESTAMP');
  });

  it('lists every file in the manifest with its rows, bytes, SHA-256 and control totals', async () => {
    firstManifest = await verifyManifest(p.outbox, `closedperiodexport-manifest-${PERIOD}.json`);
    expect(firstManifest).toMatchObject({ job: 'close_period', period: PERIOD, generated_at: '2024-02-01T09:00:00.000Z' });
    expect(firstManifest.files.map((f) => f.name).sort()).toEqual(names(PERIOD, ['csv', 'parquet']).filter((n) => !n.includes('manifest')));
    const csvOnly = { ...firstManifest, revrec_version: undefined, files: firstManifest.files.filter((f) => f.format === 'csv') };
    await expectGolden(`${JSON.stringify(csvOnly, null, 2)}\n`, 'close/manifest-csv-entries.json');
  });

  it('delivered the same bytes to S3 and SFTP, with nothing partial left behind', async () => {
    const stores: StoreConfig[] = [
      { kind: 's3', bucket: s3.bucket, prefix: `close-${RUN}`, region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      { kind: 'sftp', host: sftp.host, port: sftp.port, username: sftp.username, password: sftp.password, folder: `close-${RUN}`, hostKey: sftp.hostKeySha256 },
    ];
    const work = await mkdtemp(join(tmpdir(), 'revrec-export-download-'));
    try {
      for (const config of stores) {
        const store = createRemoteStore(config);
        try {
          expect((await listAll(store)).map((f) => f.key)).toEqual(names(PERIOD, ['csv', 'parquet']));
          for (const entry of firstManifest.files) {
            const downloaded = await store.download(entry.name, join(work, config.kind, entry.name));
            expect(downloaded.sha256, `${config.kind} ${entry.name}`).toBe(entry.sha256);
          }
        } finally {
          await store.close();
        }
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('records the run, its files and every delivery; no secret reaches the records or the log', async () => {
    const [run] = await p.wh.rows<{ job: string; actg_period: number; status: string; files: number }>(
      "SELECT job, actg_period, status, files FROM meta.export_runs WHERE job = 'close_period'",
    );
    expect(run).toEqual({ job: 'close_period', actg_period: PERIOD, status: 'delivered', files: 19 });
    const deliveries = await p.wh.rows<{ destination: string; n: string }>("SELECT destination, count(*) AS n FROM meta.export_deliveries WHERE status = 'delivered' GROUP BY 1 ORDER BY 1");
    expect(deliveries).toEqual([
      { destination: 'bucket', n: '19' },
      { destination: 'finance-sftp', n: '19' },
      { destination: 'outbox', n: '19' },
    ]);
    const everything = JSON.stringify([await p.wh.rows('SELECT * FROM meta.export_deliveries'), p.reporter.logs]);
    expect(everything).not.toContain(s3.secretAccessKey);
    expect(everything).not.toContain(sftp.password);
  });

  it('reopening and closing again overwrites the same files, now with the late document', async () => {
    // A document dated in the closed period arrives late; reopening the period lets it land there.
    await p.land({ 'invoices_late.csv': 'Invoice_Number,Document_Type,Sales_Order_Id,Sales_Order_Item_Id,Billing_Date,Billing_Amount,Currency\nINV-5,INV,SO-1,SO-1-03,2024-01-25,2000.00,USD\n' });
    expect((await p.reopen()).period).toBe(PERIOD);
    p.setNow('2024-02-02T10:30:00Z');
    const outcome = await p.close();
    expect(outcome.export?.status).toBe('delivered');
    expect(await p.outboxFiles()).toEqual(names(PERIOD, ['csv', 'parquet']));
    const invoices = await readCsv(join(p.outbox, `closedperiodexport-invoices-${PERIOD}.csv`));
    expect(invoices.rows.find((r) => r[3] === 'INV-5')).toBeDefined();
    expect(await p.readOutbox(`closedperiodexport-control-${PERIOD}.csv`)).toBe('Closed_Period,Export_Timestamp\n202401,2024-02-02T10:30:00Z\n');
    const manifest = await verifyManifest(p.outbox, `closedperiodexport-manifest-${PERIOD}.json`);
    expect(manifest.generated_at).toBe('2024-02-02T10:30:00.000Z');
    const invoiceEntry = manifest.files.find((f) => f.name === `closedperiodexport-invoices-${PERIOD}.csv`)!;
    expect(invoiceEntry.sha256).not.toBe(firstManifest.files.find((f) => f.name === invoiceEntry.name)!.sha256);
  });

  it('a failed delivery names the destination and the file, leaves the close in place, and export close retries it', async () => {
    // A "folder" that is a file: the local store can not create it (a permanent fault, no retries).
    const blocker = join(p.dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    await p.setExports({
      destinations: [...destinations.slice(0, 1), { name: 'broken', kind: 'local', folder: blocker }],
      close_period: { formats: ['csv'], destinations: ['outbox', 'broken'] },
    });
    p.setNow('2024-03-01T08:00:00Z');
    const outcome = await p.close({ force: true });
    expect(outcome.closed).toBe(true);
    expect(outcome.period).toBe(202402);
    expect(outcome.export?.status).toBe('failed');
    expect(outcome.export?.error?.message).toMatch(/destination "broken" \(file:\/\/.*not-a-folder\) failed for closedperiodexport-\w+-202402\.csv/);
    expect(outcome.export?.error?.hint).toContain('revrec export close --period 202402');
    expect(Number(await p.wh.scalar('SELECT count(*) FROM meta.period_closes WHERE actg_period = 202402'))).toBe(1);
    expect(await p.wh.scalar("SELECT status FROM meta.export_runs WHERE actg_period = 202402")).toBe('failed');
    // The other destination got its files regardless.
    expect((await p.outboxFiles()).filter((n) => n.includes('202402'))).toEqual(names(202402, ['csv']));

    await rm(blocker);
    p.setNow('2024-03-01T09:00:00Z');
    const retried = await runCloseExport({ projectDir: p.dir, env: p.env, reporter: p.reporter, clock: p.clock, period: 202402, tempRoot: join(p.dir, 'staging') });
    expect(retried.deliveries.every((d) => d.status === 'delivered')).toBe(true);
    expect((await readFile(join(blocker, 'closedperiodexport-manifest-202402.json'), 'utf8')).length).toBeGreaterThan(0);
    await verifyManifest(blocker, 'closedperiodexport-manifest-202402.json');
    const statuses = await p.wh.rows<{ status: string }>("SELECT status FROM meta.export_runs WHERE actg_period = 202402 ORDER BY started_at");
    expect(statuses.map((s) => s.status)).toEqual(['failed', 'delivered']);
  });
});
