import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { generateCompany } from '../../../src/sample/index.js';
import { buildZip } from '../../fixtures/inputs/zip-builder.js';
import { startCutProxy } from '../../support/servers/tcp-cut-proxy.js';
import {
  ExtractHarness,
  fileOutcome,
  ordersWorkbook,
  invoicesCsv,
  manyOrders,
  nextSecond,
  ordersCsv,
  s3Deliver,
  s3Source,
  statuses,
  uniqueName,
} from './extract-sources-kit.js';

const servers = inject('s3Servers');

/** The sample company as CSVs, one XLSX workbook and one ZIP (small: 4 contracts over 3 months). */
interface Samples {
  readonly csv: Record<string, Buffer>;
  readonly rows: Record<string, number>;
  readonly zip: Buffer;
}

let samples: Samples;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'revrec-s3-extract-'));
  const options = { contracts: 4, months: 3, badRows: false, writeSummary: false } as const;
  const summary = await generateCompany({ ...options, outDir: join(scratch, 'csv') });
  await generateCompany({ ...options, outDir: join(scratch, 'zip'), format: 'zip' });
  const csv: Record<string, Buffer> = {};
  for (const name of await readdir(join(scratch, 'csv'))) csv[name] = await readFile(join(scratch, 'csv', name));
  const rows = Object.fromEntries(summary.files.map((f) => [f.name.replace(/\.csv$/, ''), f.rows]));
  samples = { csv, rows, zip: await readFile(join(scratch, 'zip', 'sample.zip')) };
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

it('has at least one S3 server to extract from (started by tests/global-setup.ts)', () => {
  expect(servers.map((s) => s.kind)).toContain('s3rver');
});

describe.each(servers.map((server) => [server.kind, server] as const))('extract from S3 (%s)', (_kind, server) => {
  let h: ExtractHarness;
  beforeAll(async () => {
    h = await ExtractHarness.create();
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists every page (page size 2), lands each file once as its own version, and a re-run lands nothing', async () => {
    const prefix = uniqueName('pages');
    await s3Deliver(server, prefix, samples.csv);
    const source = s3Source(server, uniqueName('pages'), prefix, { page_size: 2 });

    const first = await h.extract([source]);
    const keys = Object.keys(samples.csv).sort();
    expect(statuses(first)).toEqual(Object.fromEntries(keys.map((k) => [k, 'loaded'])));
    const manifest = await h.manifest(source.name as string);
    expect(manifest.map((r) => r.file_key)).toEqual(keys); // landed in key order, versions ascending
    for (const type of ['orders', 'invoices', 'fx_rates', 'commissions']) {
      expect(await h.count(`SELECT count(*) FROM raw.${type} WHERE _source = '${source.name}'`), type).toBe(samples.rows[type]);
    }

    const again = await h.extract([source]);
    expect(new Set(Object.values(statuses(again)))).toEqual(new Set(['unchanged']));
    expect(await h.manifest(source.name as string)).toEqual(manifest);
    expect(await h.count(`SELECT count(*) FROM raw.orders WHERE _source = '${source.name}'`)).toBe(samples.rows.orders);

    // Two changed files with unchanged ones between them: each next download starts while the previous file lands.
    await s3Deliver(server, prefix, { 'commissions.csv': samples.csv['commissions.csv']!.toString().replaceAll('\n', '\r\n'), 'orders.csv': ordersCsv([['N-1', '1.00']]) });
    const changed = await h.extract([source]);
    expect(statuses(changed)).toEqual(Object.fromEntries(keys.map((k) => [k, ['commissions.csv', 'orders.csv'].includes(k) ? 'loaded' : 'unchanged'])));
    expect(await h.count(`SELECT count(*) FROM raw.orders WHERE _source = '${source.name}'`)).toBe(samples.rows.orders! + 1);
    expect((await readdir(h.dir)).filter((n) => n.startsWith('revrec-extract-'))).toEqual([]);
  });

  it('records an identical re-delivery as a duplicate, and lands a changed file as a new version that wins', async () => {
    const prefix = uniqueName('versions');
    const source = s3Source(server, uniqueName('versions'), prefix);
    const v1 = ordersCsv([['A-1', '100.00'], ['B-1', '100.00']]);
    await s3Deliver(server, prefix, { 'orders.csv': v1 });
    const first = await h.extract([source]);
    expect(fileOutcome(first, 'orders.csv')).toMatchObject({ status: 'loaded', rows: 2 });

    await nextSecond();
    await s3Deliver(server, prefix, { 'orders.csv': v1 }); // same bytes, delivered again
    const redelivered = await h.extract([source]);
    expect(fileOutcome(redelivered, 'orders.csv').status).toBe('duplicate');
    expect(await h.count(`SELECT count(*) FROM raw.orders WHERE _source = '${source.name}'`)).toBe(2);

    await s3Deliver(server, prefix, { 'orders.csv': ordersCsv([['A-1', '100.00'], ['B-1', '250.00'], ['C-1', '75.50']]) });
    const changed = await h.extract([source]);
    const v2 = fileOutcome(changed, 'orders.csv');
    expect(v2).toMatchObject({ status: 'loaded', rows: 3 });

    // Both versions stay in raw (history); per key the latest version is what staging uses.
    expect(await h.count(`SELECT count(*) FROM raw.orders WHERE _source = '${source.name}'`)).toBe(5);
    const latest = await h.rows(
      `SELECT Sales_Order_Item_Id AS item, Sale_Price AS price, _version::VARCHAR AS version FROM raw.orders WHERE _source = '${source.name}'
       QUALIFY row_number() OVER (PARTITION BY Sales_Order_Item_Id ORDER BY _version DESC, _row DESC) = 1 ORDER BY item`,
    );
    expect(latest).toEqual([
      { item: 'A-1', price: '100.00', version: v2.version },
      { item: 'B-1', price: '250.00', version: v2.version },
      { item: 'C-1', price: '75.50', version: v2.version },
    ]);
    expect((await h.manifest(source.name as string)).map((r) => r.status)).toEqual(['loaded', 'duplicate', 'loaded']);
    expect(statuses(await h.extract([source]))).toEqual({ 'orders.csv': 'unchanged' });
  });

  it('full reload relands every file under a new version and replaces the rows of its earlier loads', async () => {
    const prefix = uniqueName('full');
    const source = s3Source(server, uniqueName('full'), prefix);
    await s3Deliver(server, prefix, { 'orders.csv': manyOrders(20), 'invoices.csv': invoicesCsv(7) });
    await h.extract([source]);
    const before = await h.manifest(source.name as string);

    const reload = await h.extract([source], { fullReload: true });
    expect(statuses(reload)).toEqual({ 'invoices.csv': 'loaded', 'orders.csv': 'loaded' });
    const counts = await h.rows(
      `SELECT 'orders' AS t, count(*)::INT AS n, count(DISTINCT _version)::INT AS versions, min(_version)::VARCHAR AS v FROM raw.orders WHERE _source = '${source.name}'
       UNION ALL SELECT 'invoices', count(*)::INT, count(DISTINCT _version)::INT, min(_version)::VARCHAR FROM raw.invoices WHERE _source = '${source.name}' ORDER BY t`,
    );
    expect(counts).toEqual([
      { t: 'invoices', n: 7, versions: 1, v: fileOutcome(reload, 'invoices.csv').version },
      { t: 'orders', n: 20, versions: 1, v: fileOutcome(reload, 'orders.csv').version },
    ]);
    const after = await h.manifest(source.name as string);
    expect(after.slice(before.length).map((r) => [r.file_key, r.status, r.mode])).toEqual([
      ['invoices.csv', 'loaded', 'full_reload'],
      ['orders.csv', 'loaded', 'full_reload'],
    ]);
    // Incremental again: nothing changed since the reload.
    expect(new Set(Object.values(statuses(await h.extract([source]))))).toEqual(new Set(['unchanged']));
  });

  it('lands an XLSX workbook: one tab per record type, real date cells as YYYY-MM-DD, other tabs reported', async () => {
    const prefix = uniqueName('xlsx');
    const source = s3Source(server, uniqueName('xlsx'), prefix);
    const items = [['X-1', '2024-01-15'], ['X-2', '2024-02-29'], ['X-3', '2024-12-31']] as const;
    await s3Deliver(server, prefix, { 'book.xlsx': await ordersWorkbook(items) });
    const outcome = await h.extract([source]);
    expect(fileOutcome(outcome, 'book.xlsx')).toMatchObject({ status: 'loaded', rows: 4 });
    const [manifest] = await h.manifest(source.name as string);
    expect(JSON.parse(manifest!.rows_by_type!)).toEqual({ orders: 3, fx_rates: 1 });
    const ignored = await h.rows<{ ignored: string }>(`SELECT ignored FROM meta.load_manifest WHERE source = '${source.name}'`);
    expect(JSON.parse(ignored[0]!.ignored)).toEqual([{ name: 'Notes', reason: expect.stringContaining('no record type') }]);
    expect(h.logLines().some((l) => l.source === source.name && l.level === 'warn' && /skipped Notes/.test(l.message ?? ''))).toBe(true);

    const orders = await h.rows(
      `SELECT Sales_Order_Item_Id AS item, Order_Date, Service_Start_Date, Service_End_Date, Sale_Price, _file, _row::INT AS "row" FROM raw.orders WHERE _source = '${source.name}' ORDER BY item`,
    );
    expect(orders).toEqual(
      items.map(([item, date], i) => ({ item, Order_Date: date, Service_Start_Date: date, Service_End_Date: '2025-12-31', Sale_Price: String(100.5 + i), _file: 'book.xlsx', row: i + 2 })),
    );
    // A date cell is a date whatever its display format (dd/mm/yyyy here).
    expect(await h.rows(`SELECT Rate_Date, Rate FROM raw.fx_rates WHERE _source = '${source.name}'`)).toEqual([{ Rate_Date: '2024-01-31', Rate: '1.0842' }]);
  });

  it('lands a ZIP of CSVs entry by entry (`_file` = zip!entry) as one load', async () => {
    const prefix = uniqueName('zip');
    const source = s3Source(server, uniqueName('zip'), prefix);
    await s3Deliver(server, prefix, { 'sample.zip': samples.zip });
    const outcome = await h.extract([source]);
    const zip = fileOutcome(outcome, 'sample.zip');
    expect(zip.status).toBe('loaded');
    const files = await h.rows(`SELECT DISTINCT _file, _version::VARCHAR AS v FROM raw.invoices WHERE _source = '${source.name}'`);
    expect(files).toEqual([{ _file: 'sample.zip!invoices.csv', v: zip.version }]);
    expect(await h.count(`SELECT count(*) FROM raw.fx_rates WHERE _source = '${source.name}' AND _file = 'sample.zip!fx_rates.csv'`)).toBe(samples.rows.fx_rates);
  });

  it('refuses a ZIP with a ../ entry, records why, and still lands the other files', async () => {
    const prefix = uniqueName('zipslip');
    const source = s3Source(server, uniqueName('zipslip'), prefix);
    const evil = buildZip([
      { name: 'orders.csv', data: ordersCsv([['Z-1', '1.00']]) },
      { name: '../../orders_escape.csv', data: ordersCsv([['Z-2', '2.00']]) },
    ]);
    await s3Deliver(server, prefix, { 'evil.zip': evil, 'invoices.csv': invoicesCsv(3) });
    const outcome = await h.extract([source]);
    expect(statuses(outcome)).toEqual({ 'evil.zip': 'failed', 'invoices.csv': 'loaded' });
    expect(fileOutcome(outcome, 'evil.zip')).toMatchObject({ code: 'UNSAFE_ZIP_ENTRY' });
    const [failed] = (await h.manifest(source.name as string)).filter((r) => r.file_key === 'evil.zip');
    expect(failed).toMatchObject({ status: 'failed', error_code: 'UNSAFE_ZIP_ENTRY' });
    expect(failed!.error_message).toContain('../../orders_escape.csv');
    expect(await h.count(`SELECT count(*) FROM raw.orders WHERE _source = '${source.name}'`)).toBe(0);
    // Nothing of the archive was written anywhere: the run's temporary folder is gone.
    expect((await readdir(h.dir)).filter((n) => n.startsWith('revrec-extract-'))).toEqual([]);
  });

  it('records an unreadable file as failed with its reason, lands the rest, and retries it once corrected', async () => {
    const prefix = uniqueName('unreadable');
    const source = s3Source(server, uniqueName('unreadable'), prefix);
    const latin1 = Buffer.concat([Buffer.from(ordersCsv([['L-1', '10.00']]).replace('C-1', 'Z')), Buffer.from([0xfc, 0x72, 0x69, 0x63, 0x68, 0x0a])]);
    await s3Deliver(server, prefix, { 'orders_2024-01.csv': latin1, 'invoices.csv': invoicesCsv(4), 'notes.txt': 'not an input' });
    const first = await h.extract([source]);
    expect(statuses(first)).toEqual({ 'invoices.csv': 'loaded', 'notes.txt': 'failed', 'orders_2024-01.csv': 'failed' });
    expect(fileOutcome(first, 'orders_2024-01.csv')).toMatchObject({ code: 'BAD_ENCODING' });
    expect(fileOutcome(first, 'notes.txt')).toMatchObject({ code: 'UNKNOWN_FILE_TYPE' });
    const recorded = (await h.manifest(source.name as string)).find((r) => r.file_key === 'orders_2024-01.csv')!;
    expect(recorded).toMatchObject({ status: 'failed', error_code: 'BAD_ENCODING' });
    expect(recorded.error_message).toMatch(/not valid UTF-8 at byte \d+/);
    const warnings = h.logLines().filter((l) => l.level === 'warn' && l.file === 'orders_2024-01.csv');
    expect(warnings.map((l) => l.message)).toEqual([expect.stringContaining('was not loaded (BAD_ENCODING)')]);

    // Unchanged: not tried again, not recorded again.
    const rerun = await h.extract([source]);
    expect(fileOutcome(rerun, 'orders_2024-01.csv')).toMatchObject({ status: 'still_failed', code: 'BAD_ENCODING' });
    expect(await h.manifest(source.name as string)).toHaveLength(3);

    await s3Deliver(server, prefix, { 'orders_2024-01.csv': ordersCsv([['L-1', '10.00']]) });
    const fixed = await h.extract([source]);
    expect(statuses(fixed)).toEqual({ 'invoices.csv': 'unchanged', 'notes.txt': 'still_failed', 'orders_2024-01.csv': 'loaded' });
    expect(await h.count(`SELECT count(*) FROM raw.orders WHERE _source = '${source.name}'`)).toBe(1);
  });

  it('retries a download whose connection is cut mid-way, and lands the file once', async () => {
    const prefix = uniqueName('cut');
    const body = manyOrders(4000); // about 500 KB
    await s3Deliver(server, prefix, { 'orders.csv': body });
    const endpoint = new URL(server.endpoint);
    const proxy = await startCutProxy({ targetHost: endpoint.hostname, targetPort: Number(endpoint.port), cutAfterBytes: 150_000, cutConnections: 1 });
    try {
      const source = s3Source(server, uniqueName('cut'), prefix, { endpoint: `http://127.0.0.1:${proxy.port}` });
      const outcome = await h.extract([source]);
      expect(fileOutcome(outcome, 'orders.csv')).toMatchObject({ status: 'loaded', rows: 4000 });
      expect(proxy.cuts()).toBe(1);
      const retries = h.logLines().filter((l) => l.source === source.name && l.action === 'download');
      expect(retries).toEqual([expect.objectContaining({ level: 'warn', file: 'orders.csv', attempt: 1 })]);
      expect(await h.count(`SELECT count(*) FROM raw.orders WHERE _source = '${source.name}'`)).toBe(4000);
    } finally {
      await proxy.stop();
    }
  });

  it('after the last try names the source and the file; the next run completes with nothing lost or doubled', async () => {
    const prefix = uniqueName('cutall');
    await s3Deliver(server, prefix, { 'invoices.csv': invoicesCsv(5), 'orders.csv': manyOrders(4000), 'orders_z.csv': ordersCsv([['Z-1', '9.00']]) });
    const endpoint = new URL(server.endpoint);
    // Each connection dies after 150 KB: listing and the small files pass, the big one never does.
    const proxy = await startCutProxy({ targetHost: endpoint.hostname, targetPort: Number(endpoint.port), cutAfterBytes: 150_000 });
    const name = uniqueName('cutall');
    try {
      const broken = await h.extract([s3Source(server, name, prefix, { endpoint: `http://127.0.0.1:${proxy.port}` })]);
      expect(statuses(broken)).toEqual({ 'invoices.csv': 'loaded', 'orders.csv': 'transfer_error', 'orders_z.csv': 'loaded' });
      const failure = fileOutcome(broken, 'orders.csv');
      expect(failure.message).toMatch(/download of 'orders\.csv' failed after 3 attempts/);
      const error = h.logLines().find((l) => l.level === 'error' && l.source === name && l.file === 'orders.csv');
      expect(error?.message).toMatch(new RegExp(`^${name}: orders\\.csv could not be downloaded: s3://`));
      const run = await h.rows(`SELECT status, error_message FROM meta.extract_runs WHERE source = '${name}'`);
      expect(run).toEqual([{ status: 'error', error_message: '1 file(s) not downloaded: orders.csv' }]);
      expect((await h.manifest(name)).map((r) => r.file_key)).toEqual(['invoices.csv', 'orders_z.csv']);
    } finally {
      await proxy.stop();
    }
    const healed = await h.extract([s3Source(server, name, prefix)]);
    expect(statuses(healed)).toEqual({ 'invoices.csv': 'unchanged', 'orders.csv': 'loaded', 'orders_z.csv': 'unchanged' });
    expect(await h.count(`SELECT count(*) FROM raw.orders WHERE _source = '${name}'`)).toBe(4001);
    expect(await h.count(`SELECT count(DISTINCT Sales_Order_Item_Id) FROM raw.orders WHERE _source = '${name}'`)).toBe(4001);
    expect(await h.count(`SELECT count(*) FROM raw.invoices WHERE _source = '${name}'`)).toBe(5);
  });

  // s3rver checks only that the access key id exists (it does not verify SigV4 signatures): there the access key id
  // is wrong too; radosgw also gets a wrong secret for a valid key id.
  const wrongCredentials = [['an unknown access key id', { access_key_id: 'AKIAREVRECNOSUCHKEY0' }] as const];
  if (server.kind !== 's3rver') wrongCredentials.push(['a wrong secret for a valid key id', {}] as unknown as (typeof wrongCredentials)[number]);
  it.each(wrongCredentials)('wrong credentials (%s): a clear error, and no secret in any output or table', async (_label, extra) => {
    const prefix = uniqueName('creds');
    await s3Deliver(server, prefix, { 'orders.csv': ordersCsv([['S-1', '1.00']]) });
    const wrongSecret = `wrong-secret-${uniqueName('x')}`;
    const name = uniqueName('creds');
    const outcome = await h.extract([s3Source(server, name, prefix, { secret_access_key: wrongSecret, ...extra })]);
    const [source] = outcome.sources;
    expect(source?.files).toEqual([]);
    expect(source?.error).toMatch(/list failed: S3 (SignatureDoesNotMatch|InvalidAccessKeyId) \(HTTP 403\)/);
    expect(source?.error).toContain('check accessKeyId and secretAccessKey');
    const run = await h.rows(`SELECT status, error_message FROM meta.extract_runs WHERE source = '${name}'`);
    expect(run).toEqual([{ status: 'error', error_message: source?.error }]);
    expect(h.logLines().filter((l) => l.source === name && l.level === 'error').map((l) => l.message)).toEqual([`extract ${name}: ${source?.error}`]);
    const everywhere = [h.output(), JSON.stringify(outcome), await h.everythingStored()].join('\n');
    for (const secret of [wrongSecret, server.secretAccessKey]) expect(everywhere.includes(secret), 'a secret leaked').toBe(false);
  });
});
