import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';

import ExcelJS from 'exceljs';

import { s3Put } from '../../support/s3-test-client.js';

import type { ExtractOutcome, ExtractRequest } from '../../../src/extract/extract-service.js';
import { runExtract } from '../../../src/extract/extract-service.js';
import type { FileOutcome } from '../../../src/extract/extract-source.js';
import { JsonReporter } from '../../../src/reporter/json-reporter.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';
import type { S3ServerInfo } from '../../support/servers/s3-server-info.js';
import type { SshdInfo } from '../../support/servers/sshd-server.js';
import { ORDERS_HEADER } from '../../fixtures/inputs/orders-csv.js';

/** Fast retries for tests: the real policy with tiny delays (the config's `retry:` block). */
export const FAST_RETRY = { attempts: 3, base_delay_ms: 5, max_delay_ms: 20 } as const;

/** A key prefix / folder no other test (file, run) uses. */
export function uniqueName(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** One JSON line the reporter wrote. */
export interface LogLine {
  readonly level: string;
  readonly event: string;
  readonly message?: string;
  readonly [field: string]: unknown;
}

/**
 * A real warehouse file in a temp folder, and the real JSON-lines reporter writing into memory, so tests can read
 * (and grep) exactly what `revrec extract --log-format json` would print.
 */
export class ExtractHarness {
  #output = '';

  private constructor(
    readonly dir: string,
    readonly wh: Warehouse,
  ) {}

  /** `threads: 1` (the default here) lands one file at a time; 2 lands two at once, each in its own transaction. */
  static async create(options: { threads?: number } = {}): Promise<ExtractHarness> {
    const dir = await mkdtemp(join(tmpdir(), 'revrec-extract-sources-'));
    const wh = await Warehouse.open({ path: join(dir, 'warehouse.duckdb'), threads: options.threads ?? 1 }, { command: 'extract-sources test' });
    return new ExtractHarness(dir, wh);
  }

  /** Runs `revrec extract` in-process over these source definitions (the `extract:` list of a project). */
  async extract(sources: readonly object[], options: Partial<Omit<ExtractRequest, 'sections' | 'reporter'>> = {}): Promise<ExtractOutcome> {
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.#output += chunk.toString();
        done();
      },
    });
    const reporter = new JsonReporter(sink as unknown as NodeJS.WritableStream, false, () => new Date());
    return runExtract(this.wh, {
      sections: { extract: sources },
      reporter,
      clock: () => new Date(),
      tempDir: this.dir,
      ...options,
    });
  }

  /** Everything the reporter printed so far. */
  output(): string {
    return this.#output;
  }

  logLines(): LogLine[] {
    return this.#output
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as LogLine);
  }

  async rows<T = Record<string, string | null>>(sql: string): Promise<T[]> {
    return this.wh.rows(sql) as Promise<T[]>;
  }

  async count(sql: string): Promise<number> {
    return Number(await this.wh.scalar(sql));
  }

  /** Manifest rows of a source, oldest first. */
  async manifest(source: string): Promise<Array<Record<string, string | null>>> {
    return this.rows(`SELECT version, file_key, status, error_code, error_message, sha256, rows_total, rows_by_type, mode FROM meta.load_manifest WHERE source = '${source}' ORDER BY version`);
  }

  /** Every row of every meta and raw table as text, to prove a secret appears nowhere. */
  async everythingStored(): Promise<string> {
    const tables = await this.rows<{ schema_name: string; table_name: string }>(
      "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('meta', 'raw') ORDER BY ALL",
    );
    const parts: string[] = [];
    for (const t of tables) parts.push(JSON.stringify(await this.rows(`SELECT * FROM "${t.schema_name}"."${t.table_name}"`)));
    return parts.join('\n');
  }

  async close(): Promise<void> {
    this.wh.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Status of each file of the (only) source, by key. */
export function statuses(outcome: ExtractOutcome): Record<string, FileOutcome['status']> {
  return Object.fromEntries(outcome.sources.flatMap((s) => s.files.map((f) => [f.key, f.status])));
}

/** The outcome of one file. */
export function fileOutcome(outcome: ExtractOutcome, key: string): FileOutcome {
  const found = outcome.sources.flatMap((s) => s.files).find((f) => f.key === key);
  if (!found) throw new Error(`no outcome for ${key}: ${JSON.stringify(outcome)}`);
  return found;
}

/** An orders CSV: one line per `[item, salePrice]`; the order id is the item id without `-1`. */
export function ordersCsv(items: ReadonlyArray<readonly [string, string]>): string {
  const lines = items.map(([item, price]) => {
    const order = item.replace(/-1$/, '');
    return `${order},${item},C-1,P-100,2024-01-15,1,120.00,${price},,USD,2024-02-01,2025-01-31,`;
  });
  return `${[ORDERS_HEADER, ...lines].join('\n')}\n`;
}

/** A bigger orders CSV (about 150 bytes a line), for cut connections. */
export function manyOrders(count: number, prefix = 'SO'): string {
  const items: Array<[string, string]> = [];
  for (let i = 0; i < count; i++) items.push([`${prefix}-${String(i).padStart(7, '0')}-1`, `${100 + (i % 900)}.25`]);
  return ordersCsv(items);
}

/** An invoices CSV with `count` lines. */
export function invoicesCsv(count: number): string {
  const lines = ['Invoice_Number,Document_Type,Reference_Document,Sales_Order_Id,Sales_Order_Item_Id,Billing_Date,Billing_Amount,Currency'];
  for (let i = 0; i < count; i++) lines.push(`INV-${i},INV,,SO-${i},SO-${i}-1,2024-02-01,100.00,USD`);
  return `${lines.join('\n')}\n`;
}

/**
 * A small workbook as Excel users deliver it: tabs `Orders` and `FX Rates` with real date cells (and a number
 * cell for the price), plus a `Notes` tab that is no record type.
 *
 * Built with exceljs's in-memory writer, like the formats tests. Not the sample generator's XLSX: exceljs 4.4's
 * streaming reader intermittently loses the archive's last parts when a small workbook lists its sheets before
 * `xl/workbook.xml` (as streaming writers do), so `generateCompany({ format: 'xlsx' })` output fails as
 * CORRUPT_XLSX in about half of the reads (an open issue of the XLSX reader, reported with this change).
 */
export async function ordersWorkbook(items: ReadonlyArray<readonly [string, string]>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
  const orders = workbook.addWorksheet('Orders');
  orders.addRow(['Sales_Order_Id', 'Sales_Order_Item_Id', 'Customer_Id', 'Product_Id', 'Order_Date', 'Quantity', 'Sale_Price', 'Currency', 'Service_Start_Date', 'Service_End_Date']);
  items.forEach(([item, date], i) => {
    const row = orders.addRow([item.replace(/-1$/, ''), item, 'C-1', 'P-100', day(date), 1, 100.5 + i, 'USD', day(date), day('2025-12-31')]);
    for (const column of [5, 9, 10]) row.getCell(column).numFmt = 'yyyy-mm-dd';
  });
  workbook.addWorksheet('Notes').addRow(['free text that is not a record type']);
  const rates = workbook.addWorksheet('FX Rates');
  rates.addRow(['From_Currency', 'To_Currency', 'Rate_Date', 'Rate']);
  rates.addRow(['EUR', 'USD', day('2024-01-31'), 1.0842]).getCell(3).numFmt = 'dd/mm/yyyy';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------------------------
// S3

/** An `extract:` entry reading `prefix` of the test bucket of `server`. */
export function s3Source(server: S3ServerInfo, name: string, prefix: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    kind: 's3',
    bucket: server.bucket,
    prefix,
    region: server.region,
    endpoint: server.endpoint,
    access_key_id: server.accessKeyId,
    secret_access_key: server.secretAccessKey,
    retry: FAST_RETRY,
    ...extra,
  };
}

/** Delivers files into a bucket prefix (one PutObject each), as a customer's export job would. */
export const s3Deliver = s3Put;

/** S3 LastModified has a resolution of one second: a re-delivery must come in a later second to look new. */
export function nextSecond(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1100 - (Date.now() % 1000)));
}

// ---------------------------------------------------------------------------------------------------------------
// SFTP

/** An `extract:` entry reading `folder` (under the server's start folder), password login, pinned host key. */
export function sftpSource(server: SshdInfo, name: string, folder: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    kind: 'sftp',
    host: server.host,
    port: server.port,
    username: server.username,
    password: server.password,
    host_key: server.hostKeySha256,
    folder,
    retry: FAST_RETRY,
    ...extra,
  };
}

/**
 * Delivers files into an SFTP folder by writing them where sshd serves them (the test server runs on this machine),
 * with a chosen modification time: SFTP reports whole seconds, so tests set it rather than wait.
 */
export async function sftpDeliver(server: SshdInfo, folder: string, files: Readonly<Record<string, string | Buffer>>, mtime = new Date()): Promise<void> {
  for (const [key, body] of Object.entries(files)) {
    const path = join(server.rootDir, folder, ...key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    await utimes(path, mtime, mtime);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Local folders

/** An `extract:` entry reading a local folder. */
export function localSource(name: string, folder: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, kind: 'local', folder, ...extra };
}

export async function localDeliver(folder: string, files: Readonly<Record<string, string | Buffer>>, mtime?: Date): Promise<void> {
  for (const [key, body] of Object.entries(files)) {
    const path = join(folder, ...key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    if (mtime) await utimes(path, mtime, mtime);
  }
}
