/**
 * Extract formats benchmark (not a test): landing a generated 1,000,000-row orders CSV (~150 MB) through
 * prepareFile + landPreparedFile against a bare `CREATE TABLE AS SELECT * FROM read_csv(..., all_varchar=true)`
 * in the same process, and converting 100k/200k/400k-row XLSX workbooks (10 columns) with rows/s and peak RSS.
 *
 *   node --import tsx bench/extract-formats.ts            all phases (XLSX phases in child processes, clean RSS)
 *   node --import tsx bench/extract-formats.ts csv        CSV only
 *   node --import tsx bench/extract-formats.ts xlsx 100000
 *
 * Inputs are generated once into bench/out/ (git-ignored) and reused.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { prepareFile } from '../src/extract/formats/index.js';
import { ensureRawTables, landPreparedFile } from '../src/extract/landing/index.js';
import { median } from './support/bench-timing.js';

const OUT = join(import.meta.dirname, 'out');
const REPS = 3;

const HEADER =
  'Sales_Order_Id,Sales_Order_Item_Id,Customer_Id,Product_Id,Order_Date,Quantity,List_Price,Sale_Price,SSP,Currency,Service_Start_Date,Service_End_Date,Reference_Invoice_Number';

/** ~150-byte order lines; `quoted` wraps every field in quotes (exercises the structure scan). */
async function generateOrdersCsv(path: string, rows: number, quoted: boolean): Promise<void> {
  if (existsSync(path)) return;
  const out = createWriteStream(path);
  const q = (fields: string[]) => (quoted ? fields.map((f) => `"${f}"`) : fields).join(',');
  out.write(`${quoted ? q(HEADER.split(',')) : HEADER}\n`);
  let buffer = '';
  for (let i = 0; i < rows; i += 1) {
    const id = String(i).padStart(10, '0');
    const month = String((i % 12) + 1).padStart(2, '0');
    buffer += `${q([`SO-${id}`, `SO-${id}-0001`, `CUSTOMER-${String(i % 99_991).padStart(6, '0')}`, `PRODUCT-${String(i % 97).padStart(4, '0')}`, `2024-${month}-15`, String((i % 50) + 1), `${1000 + (i % 9000)}.00`, `${900 + (i % 9000)}.50`, `${950 + (i % 9000)}.25`, 'USD', `2024-${month}-01`, '2025-03-31', `INVOICE-${id}`])}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

async function generateXlsx(path: string, rows: number): Promise<void> {
  if (existsSync(path)) return;
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: true });
  const sheet = writer.addWorksheet('orders');
  sheet.addRow(['Sales_Order_Id', 'Sales_Order_Item_Id', 'Customer_Id', 'Product_Id', 'Order_Date', 'Quantity', 'Sale_Price', 'Currency', 'Service_Start_Date', 'Service_End_Date']).commit();
  for (let i = 0; i < rows; i += 1) {
    const row = sheet.addRow([`SO-${i}`, `SO-${i}-1`, `C-${i % 1000}`, `P-${i % 50}`, new Date(Date.UTC(2024, i % 12, 1 + (i % 28))), (i % 10) + 1, (i % 1000) + 0.25, 'USD', new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, 11, 31))]);
    for (const c of [5, 9, 10]) row.getCell(c).numFmt = 'yyyy-mm-dd';
    row.commit();
  }
  sheet.commit();
  await writer.commit();
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;

async function landOnce(conn: DuckDBConnection, path: string, name: string, version: bigint) {
  const [prepared, prepareMs] = await timed(() => prepareFile(path, name));
  if (!prepared.ok) throw new Error(`${prepared.code}: ${prepared.message}`);
  try {
    const [result, landMs] = await timed(async () => {
      await conn.run('BEGIN');
      const r = await landPreparedFile(conn, prepared, { version, source: 'bench', fileKey: name, loadedAt: new Date() }, { replaceFileRows: false });
      await conn.run('COMMIT');
      return r;
    });
    return { prepareMs, landMs, rows: result.rowsByType.orders ?? 0 };
  } finally {
    await prepared.dispose();
  }
}

async function csvPhase(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const files = [
    { label: 'unquoted', path: join(OUT, 'orders_1m.csv') },
    { label: 'every field quoted', path: join(OUT, 'orders_1m_quoted.csv') },
  ];
  for (const [i, f] of files.entries()) await generateOrdersCsv(f.path, 1_000_000, i === 1);
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const conn = await instance.connect();
  const threads = (await conn.runAndReadAll("SELECT current_setting('threads')")).getRowsJson()[0]?.[0];
  await ensureRawTables(conn);
  console.log(`CSV landing, 1,000,000 orders rows, DuckDB threads=${threads}, median of ${REPS}`);
  let version = 1n;
  for (const f of files) {
    const size = (await stat(f.path)).size;
    const bare: number[] = [];
    const prepare: number[] = [];
    const land: number[] = [];
    for (let r = 0; r < REPS; r += 1) {
      const [, bareMs] = await timed(() => conn.run(`CREATE OR REPLACE TABLE bare AS SELECT * FROM read_csv('${f.path}', all_varchar = true)`));
      bare.push(bareMs);
      await conn.run('DROP TABLE bare');
      const run = await landOnce(conn, f.path, 'orders_1m.csv', version++);
      if (run.rows !== 1_000_000) throw new Error(`landed ${run.rows} rows`);
      prepare.push(run.prepareMs);
      land.push(run.landMs);
      await conn.run('DELETE FROM raw.orders; CHECKPOINT');
    }
    const b = median(bare);
    const p = median(prepare);
    const l = median(land);
    console.log(
      `  ${f.label.padEnd(19)} ${mb(size).padStart(8)}  bare CTAS ${b.toFixed(0)} ms | prepare ${p.toFixed(0)} ms + land ${l.toFixed(0)} ms = ${(p + l).toFixed(0)} ms` +
        ` | land/bare ${(l / b).toFixed(2)}x, (prepare+land)/bare ${((p + l) / b).toFixed(2)}x`,
    );
  }
  conn.closeSync();
  instance.closeSync();
}

async function xlsxPhase(rows: number): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const path = xlsxPath(rows);
  await generateXlsx(path, rows); // normally done by the parent, so this process measures conversion alone
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const cpuBefore = process.cpuUsage();
  const [prepared, ms] = await timed(() => prepareFile(path, 'orders.xlsx'));
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (!prepared.ok) throw new Error(`${prepared.code}: ${prepared.message}`);
  const part = prepared.parts[0]!;
  await prepared.dispose();
  const size = (await stat(path)).size;
  console.log(
    `  ${String(rows).padStart(7)} rows x 10 cols (${mb(size)} xlsx -> ${mb(part.bytes)} csv): ${ms.toFixed(0)} ms, ` +
      `${Math.round(rows / (ms / 1000)).toLocaleString('en')} rows/s (CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms), ` +
      `peak RSS ${mb(peak)} (process baseline ${mb(baseline)})`,
  );
}

const xlsxPath = (rows: number) => join(OUT, `orders_${rows / 1000}k.xlsx`);

const [phase, arg] = process.argv.slice(2);
if (phase === 'csv') await csvPhase();
else if (phase === 'xlsx') await xlsxPhase(Number(arg ?? 100_000));
else {
  await csvPhase();
  console.log('XLSX -> CSV (prepareFile), each size in its own process');
  for (const rows of [100_000, 200_000, 400_000]) await generateXlsx(xlsxPath(rows), rows);
  for (const rows of [100_000, 200_000, 400_000]) {
    execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, 'xlsx', String(rows)], { stdio: 'inherit' });
  }
}
