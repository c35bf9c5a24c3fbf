import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runExtract } from '../src/extract/extract-service.js';
import type { ExtractOutcome } from '../src/extract/extract-service.js';
import { createRemoteStore } from '../src/transport/store-factory.js';
import type { StoreConfig } from '../src/transport/store-factory.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { startS3rver } from '../tests/support/servers/s3rver-server.js';
import { startSshd } from '../tests/support/servers/sshd-server.js';
import { intFlag, parseFlags } from './support/bench-args.js';
import { printFigures, say } from './support/bench-output.js';
import { ms, peakRssMb, ratio } from './support/bench-timing.js';
import { ensureOrdersCsv, ensureOrdersXlsx } from './support/extract-inputs.js';
import { SilentReporter } from './support/silent-reporter.js';

const OUT = join(import.meta.dirname, 'out');
const MiB = 1024 ** 2;

/**
 * `npm run bench -- extract [--rows 1000000] [--xlsx-rows 100000] [--runs 3] [--parts 4] [--no-sftp]`
 *
 * Lands a generated orders CSV (1,000,000 rows, ~145 MB) end to end through `runExtract` (list → download →
 * prepare → land + manifest row in one transaction) from a local s3rver and from OpenSSH sshd (as root), next to
 * DuckDB reading the same CSV from local disk into a table of the same kind of warehouse file in the same run
 * (`CREATE TABLE … AS SELECT * FROM read_csv(…, all_varchar = true)`), and a local-folder extract of it. Then lands
 * XLSX workbooks (100k and 2× that rows) in child processes, for rows/s and peak RSS (flat memory: the bigger one
 * must not need more). The same rows as `--parts` files show the next download overlapping the current landing.
 * Best of `--runs` per case, cases interleaved; a fresh warehouse file per run. Targets: S3 and SFTP within 1.5× of
 * the local-disk read; XLSX ≥ 50,000 rows/s.
 */
export async function main(argv: string[]): Promise<void> {
  // The SDK's notice that it will need Node 22 from 2027 would sit between the figures.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const flags = parseFlags(argv);
  if (flags.phase === 'xlsx') return xlsxChild(flags.file!, intFlag(flags, 'rows', 100_000));
  const rows = intFlag(flags, 'rows', 1_000_000);
  const xlsxRows = intFlag(flags, 'xlsx-rows', 100_000);
  const runs = intFlag(flags, 'runs', 3);
  const parts = intFlag(flags, 'parts', 4);
  const withSftp = flags['no-sftp'] === undefined && process.getuid?.() === 0;

  const csv = join(OUT, rows === 1_000_000 ? 'orders_1m.csv' : `orders_${rows}.csv`);
  await ensureOrdersCsv(csv, rows);
  const bytes = (await stat(csv)).size;
  const work = await mkdtemp(join(tmpdir(), 'revrec-bench-extract-'));
  const threads = 2;
  say(`extract benchmark: ${rows.toLocaleString('en')} orders rows, ${(bytes / MiB).toFixed(1)} MiB, DuckDB threads=${threads}, best of ${runs}`);

  const s3 = await startS3rver();
  const sshd = withSftp ? await startSshd() : undefined;
  try {
    const s3Config: StoreConfig = {
      kind: 's3',
      bucket: s3.bucket,
      prefix: 'bench',
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
    };
    const s3Store = createRemoteStore(s3Config);
    try {
      await s3Store.upload(csv, 'orders.csv');
    } finally {
      await s3Store.close();
    }
    const inbox = join(work, 'inbox');
    await mkdir(inbox);
    await copyFile(csv, join(inbox, 'orders.csv'));
    // The same rows as `parts` deliveries, to show the download of one file overlapping the landing of the previous.
    const partFiles = await splitCsv(csv, join(work, 'parts'), parts);
    const s3Parts = createRemoteStore({ ...s3Config, prefix: 'bench-parts' } as StoreConfig);
    try {
      for (const part of partFiles) await s3Parts.upload(part, basename(part));
    } finally {
      await s3Parts.close();
    }
    if (sshd) {
      await mkdir(join(sshd.rootDir, 'bench'), { recursive: true });
      await copyFile(csv, join(sshd.rootDir, 'bench', 'orders.csv'));
      await mkdir(join(sshd.rootDir, 'bench-parts'), { recursive: true });
      for (const part of partFiles) await copyFile(part, join(sshd.rootDir, 'bench-parts', basename(part)));
    }

    const sources: Record<string, Record<string, unknown>> = {
      local: { name: 'bench_local', kind: 'local', folder: inbox },
      s3: {
        name: 'bench_s3',
        kind: 's3',
        bucket: s3.bucket,
        prefix: 'bench',
        endpoint: s3.endpoint,
        access_key_id: s3.accessKeyId,
        secret_access_key: s3.secretAccessKey,
      },
      ...(sshd
        ? {
            sftp: {
              name: 'bench_sftp',
              kind: 'sftp',
              host: sshd.host,
              port: sshd.port,
              username: sshd.username,
              password: sshd.password,
              host_key: sshd.hostKeySha256,
              folder: 'bench',
            },
          }
        : {}),
    };

    const best: Record<string, number> = {};
    const record = (name: string, value: number) => (best[name] = Math.min(best[name] ?? Infinity, value));
    let run = 0;
    for (let r = 0; r < runs; r++) {
      // Interleaved, so a burst of load on the shared machine hits every case alike.
      record('duckdb_local_read', await inFreshWarehouse(work, `read-${run++}`, threads, async (wh) => {
        const t0 = performance.now();
        const loaded = await wh.run(`CREATE TABLE bench AS SELECT * FROM read_csv('${csv.replaceAll("'", "''")}', all_varchar = true)`);
        const elapsed = performance.now() - t0;
        if (loaded !== rows) throw new Error(`read_csv loaded ${loaded} rows`);
        return elapsed;
      }));
      for (const [name, source] of Object.entries(sources)) {
        record(`${name}_extract`, await inFreshWarehouse(work, `${name}-${run++}`, threads, (wh) => timedExtract(wh, source, rows)));
        if (name === 'local') continue;
        const partsSource = { ...source, name: `${String(source.name)}_parts`, ...(name === 's3' ? { prefix: 'bench-parts' } : { folder: 'bench-parts' }) };
        record(`${name}_parts_extract`, await inFreshWarehouse(work, `${name}-parts-${run++}`, threads, (wh) => timedExtract(wh, partsSource, rows)));
      }
      record('s3_download', await timedDownload(s3Config, join(work, 'dl-s3')));
      if (sshd) {
        const sftpConfig: StoreConfig = { kind: 'sftp', host: sshd.host, port: sshd.port, username: sshd.username, password: sshd.password, hostKey: sshd.hostKeySha256, folder: 'bench' };
        record('sftp_download', await timedDownload(sftpConfig, join(work, 'dl-sftp')));
      }
    }

    const mbps = (msValue: number) => Math.round((bytes / MiB / (msValue / 1000)) * 10) / 10;
    const rps = (msValue: number) => Math.round(rows / (msValue / 1000));
    const base = best.duckdb_local_read!;
    const line = (label: string, key: string, note = '') =>
      say(`  ${label.padEnd(34)} ${ms(best[key]!).toFixed(0).padStart(6)} ms  ${mbps(best[key]!).toFixed(1).padStart(6)} MB/s  ${rps(best[key]!).toLocaleString('en').padStart(10)} rows/s  ${(best[key]! / base).toFixed(2)}× local read${note}`);
    line('DuckDB read_csv from local disk', 'duckdb_local_read');
    line('extract, local folder', 'local_extract');
    line('extract, S3 (s3rver)', 's3_extract', '   target ≤ 1.50×');
    if (sshd) line('extract, SFTP (OpenSSH)', 'sftp_extract', '   target ≤ 1.50×');
    line('  of which: S3 download alone', 's3_download');
    if (sshd) line('  of which: SFTP download alone', 'sftp_download');
    line(`extract, S3, as ${parts} files`, 's3_parts_extract');
    if (sshd) line(`extract, SFTP, as ${parts} files`, 'sftp_parts_extract');

    say(`XLSX: ${xlsxRows.toLocaleString('en')} and ${(2 * xlsxRows).toLocaleString('en')} rows × 10 columns, local extract, each in its own process`);
    const xlsx: Array<{ rows: number; ms: number; rows_per_s: number; peak_rss_mb: number; start_rss_mb: number; mib: number }> = [];
    for (const n of [xlsxRows, 2 * xlsxRows]) {
      const path = join(OUT, `orders_${n / 1000}k.xlsx`);
      await ensureOrdersXlsx(path, n);
      const child = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'run.ts'), 'extract', '--phase', 'xlsx', '--file', path, '--rows', String(n)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const figures = JSON.parse(child.trim().split('\n').pop()!) as (typeof xlsx)[number];
      xlsx.push(figures);
      say(
        `  ${n.toLocaleString('en').padStart(8)} rows (${figures.mib.toFixed(1)} MiB): ${figures.ms.toFixed(0)} ms, ${figures.rows_per_s.toLocaleString('en')} rows/s, ` +
          `peak RSS ${figures.peak_rss_mb} MiB (${figures.start_rss_mb} MiB at start)   target ≥ 50,000 rows/s`,
      );
    }

    const ratioToBase = (key: string) => (best[key] === undefined ? null : ratio(best[key]!, base));
    printFigures('extract', {
      rows,
      csv_mb: Math.round((bytes / MiB) * 10) / 10,
      runs,
      duckdb_local_read_ms: ms(base),
      duckdb_local_read_mb_per_s: mbps(base),
      local_extract_ms: ms(best.local_extract!),
      s3_extract_ms: ms(best.s3_extract!),
      s3_extract_mb_per_s: mbps(best.s3_extract!),
      s3_extract_rows_per_s: rps(best.s3_extract!),
      s3_ratio_to_local_read: ratioToBase('s3_extract'),
      s3_download_ms: ms(best.s3_download!),
      sftp_extract_ms: best.sftp_extract === undefined ? null : ms(best.sftp_extract),
      sftp_extract_mb_per_s: best.sftp_extract === undefined ? null : mbps(best.sftp_extract),
      sftp_extract_rows_per_s: best.sftp_extract === undefined ? null : rps(best.sftp_extract),
      sftp_ratio_to_local_read: ratioToBase('sftp_extract'),
      sftp_download_ms: best.sftp_download === undefined ? null : ms(best.sftp_download),
      parts,
      s3_parts_extract_ms: ms(best.s3_parts_extract!),
      s3_parts_ratio_to_local_read: ratioToBase('s3_parts_extract'),
      sftp_parts_extract_ms: best.sftp_parts_extract === undefined ? null : ms(best.sftp_parts_extract),
      sftp_parts_ratio_to_local_read: ratioToBase('sftp_parts_extract'),
      xlsx_rows: xlsx[0]!.rows,
      xlsx_ms: xlsx[0]!.ms,
      xlsx_rows_per_s: xlsx[0]!.rows_per_s,
      xlsx_peak_rss_mb: xlsx[0]!.peak_rss_mb,
      xlsx_2x_rows_per_s: xlsx[1]!.rows_per_s,
      xlsx_2x_peak_rss_mb: xlsx[1]!.peak_rss_mb,
      targets_met: {
        s3: (ratioToBase('s3_extract') ?? Infinity) <= 1.5,
        sftp: sshd ? (ratioToBase('sftp_extract') ?? Infinity) <= 1.5 : null,
        xlsx: xlsx[0]!.rows_per_s >= 50_000,
      },
      peak_rss_mb: peakRssMb(),
    });
  } finally {
    await s3.stop();
    await sshd?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** Opens a new warehouse file, runs `fn`, closes and deletes it. */
async function inFreshWarehouse(work: string, name: string, threads: number, fn: (wh: Warehouse) => Promise<number>): Promise<number> {
  const path = join(work, `${name}.duckdb`);
  const wh = await Warehouse.open({ path, threads }, { command: 'bench extract' });
  try {
    // The warehouse's own tables exist before the clock starts, as after any first command.
    await wh.run('CREATE SCHEMA IF NOT EXISTS meta');
    return await fn(wh);
  } finally {
    wh.close();
    await rm(path, { force: true });
    await rm(`${path}.wal`, { force: true });
  }
}

/** Wall time of one `runExtract` of one source whose files must land `rows` rows in all. */
async function timedExtract(wh: Warehouse, source: Record<string, unknown>, rows: number): Promise<number> {
  const reporter = new SilentReporter();
  const t0 = performance.now();
  const outcome: ExtractOutcome = await runExtract(wh, { sections: { extract: [source] }, reporter, clock: () => new Date() });
  const elapsed = performance.now() - t0;
  const files = outcome.sources[0]?.files ?? [];
  const landed = files.reduce((sum, f) => sum + (f.status === 'loaded' ? (f.rows ?? 0) : 0), 0);
  if (files.length === 0 || landed !== rows) throw new Error(`${String(source.name)}: ${JSON.stringify(outcome)} ${reporter.errors.join('; ')}`);
  return elapsed;
}

/** Splits a CSV into `parts` files of about equal rows, each with the header (`orders_part_1.csv`, …). */
async function splitCsv(csv: string, dir: string, parts: number): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const text = await readFile(csv);
  const headerEnd = text.indexOf(10) + 1;
  const header = text.subarray(0, headerEnd);
  const files: string[] = [];
  let start = headerEnd;
  for (let p = 1; p <= parts; p++) {
    let end = p === parts ? text.length : headerEnd + Math.floor(((text.length - headerEnd) * p) / parts);
    if (p < parts) end = text.indexOf(10, end) + 1;
    const file = join(dir, `orders_part_${p}.csv`);
    await writeFile(file, Buffer.concat([header, text.subarray(start, end)]));
    files.push(file);
    start = end;
  }
  return files;
}

async function timedDownload(config: StoreConfig, dir: string): Promise<number> {
  const store = createRemoteStore(config);
  try {
    const t0 = performance.now();
    await store.download('orders.csv', join(dir, 'orders.csv'));
    return performance.now() - t0;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Child: one local extract of a workbook into a fresh warehouse; prints one JSON line (time, rows/s, peak RSS). */
async function xlsxChild(file: string, rows: number): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'revrec-bench-xlsx-'));
  const inbox = join(work, 'inbox');
  await mkdir(inbox);
  await copyFile(file, join(inbox, 'orders.xlsx'));
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const elapsed = await inFreshWarehouse(work, 'xlsx', 2, (wh) => timedExtract(wh, { name: 'bench_xlsx', kind: 'local', folder: inbox }, rows));
    clearInterval(sampler);
    const mb = (b: number) => Math.round((b / MiB) * 10) / 10;
    process.stdout.write(
      `${JSON.stringify({ rows, ms: ms(elapsed), rows_per_s: Math.round(rows / (elapsed / 1000)), peak_rss_mb: mb(Math.max(peak, process.memoryUsage().rss)), start_rss_mb: mb(startRss), mib: mb((await stat(file)).size) })}\n`,
    );
  } finally {
    clearInterval(sampler);
    await rm(work, { recursive: true, force: true });
  }
}
