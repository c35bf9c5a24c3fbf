/**
 * A private copy of the project's SQL side with a test `exports:` section, the hand-made fixture of
 * tests/fixtures/exports/inputs landed through the real extract, and helpers to drive closes and exports with a
 * pinned clock and to compare files with goldens (UPDATE_GOLDEN=1 rewrites them).
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, expect } from 'vitest';
import '../../../src/cli/register-layers.js';
import '../../../src/export/export-tables.js';
import { exportContinuous } from '../../../src/export/continuous-export.js';
import type { ContinuousOutcome } from '../../../src/export/continuous-export.js';
import { readExportConfig } from '../../../src/export/export-config.js';
import type { ExportConfig } from '../../../src/export/export-config.js';
import { runExtract } from '../../../src/extract/extract-service.js';
import { closePeriod, reopenLatestPeriod } from '../../../src/periods/period-service.js';
import type { CloseOutcome } from '../../../src/periods/period-service.js';
import { loadProject } from '../../../src/project/load-project.js';
import { runBuild } from '../../../src/run/invocation.js';
import { ensureStateTables } from '../../../src/warehouse/state-tables.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';
import { RecordingReporter } from '../engine/engine-harness.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const FIXTURE_INPUTS = join(REPO_ROOT, 'tests/fixtures/exports/inputs');
export const GOLDEN_DIR = join(REPO_ROOT, 'tests/fixtures/exports/golden');
const PROJECT_PARTS = ['models', 'macros', 'seeds', 'sources', 'data-tests'];

export interface ExportProjectOptions {
  /** The `exports:` section (YAML as an object); `{outbox}` in strings is replaced by the outbox folder. */
  readonly exports?: Record<string, unknown>;
  /** The first "now" (ISO 8601). */
  readonly now?: string;
  /** Environment for `${VAR}` in pipeline.yml (credentials of S3/SFTP destinations). */
  readonly env?: Readonly<Record<string, string>>;
}

/** The default test export config: CSV and Parquet, both jobs, one local outbox. */
export const BOTH_FORMATS = {
  destinations: [{ name: 'outbox', kind: 'local', folder: '{outbox}' }],
  close_period: { formats: ['csv', 'parquet'], destinations: ['outbox'] },
  continuous: { formats: ['csv', 'parquet'], destinations: ['outbox'] },
};

/** One test warehouse with the real models, driven step by step like production. */
export class ExportProject {
  readonly reporter = new RecordingReporter();
  now: Date;
  private landed = 0;

  private constructor(
    readonly dir: string,
    readonly inbox: string,
    readonly outbox: string,
    readonly wh: Warehouse,
    now: string,
    readonly env: NodeJS.ProcessEnv,
  ) {
    this.now = new Date(now);
  }

  static async create(options: ExportProjectOptions = {}): Promise<ExportProject> {
    const dir = await mkdtemp(join(tmpdir(), 'revrec-export-test-'));
    for (const part of PROJECT_PARTS) {
      const from = join(REPO_ROOT, part);
      if (existsSync(from)) await cp(from, join(dir, part), { recursive: true });
    }
    const outbox = join(dir, 'outbox');
    const settings = parse(await readFile(join(REPO_ROOT, 'pipeline.yml'), 'utf8')) as Record<string, unknown>;
    settings.warehouse = { path: 'warehouse.duckdb', threads: 1 };
    settings.vars = { ...(settings.vars as object), home_currency: 'USD', first_period: 202401, max_rate_age_days: 3, commission_expedient: false, export_amounts: 'home' };
    settings.exports = JSON.parse(JSON.stringify(options.exports ?? BOTH_FORMATS).replaceAll('{outbox}', outbox));
    await writeFile(join(dir, 'pipeline.yml'), stringify(settings));
    const inbox = join(dir, 'inbox');
    await mkdir(inbox, { recursive: true });
    const wh = await Warehouse.open({ path: 'warehouse.duckdb', threads: 1 }, { root: dir, command: 'vitest export' });
    await ensureStateTables(wh);
    return new ExportProject(dir, inbox, outbox, wh, options.now ?? '2024-02-01T09:00:00Z', { ...(options.env ?? {}) });
  }

  readonly clock = (): Date => this.now;

  setNow(iso: string): void {
    this.now = new Date(iso);
  }

  /** The export settings of this project's pipeline.yml. */
  async exportConfig(): Promise<ExportConfig> {
    const project = await loadProject(this.dir, this.env);
    return readExportConfig(project.settings.sections, project.root);
  }

  /** Copies files into the inbox (each call its own folder, so file names may repeat) and extracts them. */
  async land(files: Readonly<Record<string, string>>): Promise<void> {
    const folder = join(this.inbox, String(++this.landed).padStart(3, '0'));
    await mkdir(folder, { recursive: true });
    for (const [name, content] of Object.entries(files)) await writeFile(join(folder, name), content);
    const outcome = await runExtract(this.wh, { sections: { extract: [{ name: 'inbox', kind: 'local', folder: this.inbox }] }, reporter: this.reporter, clock: this.clock });
    const failed = outcome.sources.flatMap((s) => s.files).filter((f) => f.status !== 'loaded' && f.status !== 'unchanged');
    if (failed.length) throw new Error(`landing failed: ${JSON.stringify(failed)}`);
  }

  /** Lands the hand-made fixture (tests/fixtures/exports/inputs). */
  async landFixture(): Promise<void> {
    const files: Record<string, string> = {};
    for (const name of await readdir(FIXTURE_INPUTS)) files[name] = await readFile(join(FIXTURE_INPUTS, name), 'utf8');
    await this.land(files);
  }

  async build(): Promise<void> {
    const outcome = await runBuild({ command: 'build', projectDir: this.dir, env: this.env, reporter: this.reporter, warehouse: this.wh, clock: this.clock });
    const failed = outcome.result?.results.filter((r) => r.status === 'error' || r.status === 'fail') ?? [];
    if (failed.length) throw new Error(`build failed: ${failed.map((f) => `${f.unique_id}: ${f.message}`).join('\n')}`);
  }

  close(options: { force?: boolean } = {}): Promise<CloseOutcome> {
    return closePeriod({ projectDir: this.dir, env: this.env, reporter: this.reporter, clock: this.clock, force: options.force ?? false, exportTempRoot: join(this.dir, 'staging') });
  }

  reopen(): Promise<{ period: number }> {
    return reopenLatestPeriod({ projectDir: this.dir, env: this.env, reporter: this.reporter, clock: this.clock });
  }

  async continuous(): Promise<ContinuousOutcome> {
    const config = await this.exportConfig();
    return exportContinuous(this.wh, { job: config.continuous, clock: this.clock, reporter: this.reporter, tempRoot: join(this.dir, 'staging') });
  }

  /** Rewrites the `exports:` section of pipeline.yml (`{outbox}` as in create). */
  async setExports(exports: Record<string, unknown>): Promise<void> {
    const path = join(this.dir, 'pipeline.yml');
    const settings = parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    settings.exports = JSON.parse(JSON.stringify(exports).replaceAll('{outbox}', this.outbox));
    await writeFile(path, stringify(settings));
  }

  /** The text of a file in the outbox. */
  readOutbox(name: string): Promise<string> {
    return readFile(join(this.outbox, name), 'utf8');
  }

  /** Names in the outbox, sorted. */
  async outboxFiles(): Promise<string[]> {
    return existsSync(this.outbox) ? (await readdir(this.outbox)).sort() : [];
  }

  async cleanup(): Promise<void> {
    this.wh.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Rows of a query over files, through a throw-away in-memory DuckDB, with exact JSON values. */
export async function readBack(sql: string): Promise<{ columns: string[]; types: string[]; rows: unknown[][] }> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(sql);
      return { columns: reader.columnNames(), types: reader.columnTypes().map((t) => t.toString()), rows: reader.getRowsJson() };
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** A CSV file read back as text cells ('' for an empty field) with its header. */
export async function readCsv(path: string): Promise<{ columns: string[]; rows: string[][] }> {
  const { columns, rows } = await readBack(`SELECT * FROM read_csv('${path}', header = true, all_varchar = true, quote = '"', escape = '"', delim = ',')`);
  return { columns, rows: rows.map((r) => r.map((v) => (v === null ? '' : String(v)))) };
}

/**
 * A Parquet file read back, cells rendered the way the CSV writes them, so the two formats can be compared: decimals
 * without trailing zeros (the CSV has the row's currency decimals, Parquet the file's scale), timestamps as ISO 8601 UTC.
 */
export async function readParquetAsText(path: string): Promise<{ columns: string[]; types: string[]; rows: string[][] }> {
  const { columns, types, rows } = await readBack(`SELECT * FROM read_parquet('${path}')`);
  return { columns, types, rows: rows.map((r) => r.map((v, i) => normalizeCell(v, types[i]!))) };
}

function normalizeCell(value: unknown, type: string): string {
  if (value === null) return '';
  if (type === 'TIMESTAMP') return `${String(value).replace(' ', 'T').replace(/\.\d+$/, '')}Z`;
  return String(value);
}

/** Decimal text without insignificant trailing zeros (`120.00` → `120`, `0.50` → `0.5`), other text unchanged. */
export function numeric(text: string): string {
  return /^-?\d+\.\d+$/.test(text) ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** Compares a file with its golden copy; UPDATE_GOLDEN=1 writes the golden instead. */
export async function expectGolden(actual: string, goldenName: string): Promise<void> {
  const golden = join(GOLDEN_DIR, goldenName);
  if (process.env.UPDATE_GOLDEN === '1') {
    await mkdir(resolve(golden, '..'), { recursive: true });
    await writeFile(golden, actual);
    return;
  }
  expect(existsSync(golden), `golden ${goldenName} is missing (run with UPDATE_GOLDEN=1 and review the diff)`).toBe(true);
  expect(actual, `differs from ${goldenName}`).toBe(await readFile(golden, 'utf8'));
}

/** A manifest as delivered. */
export interface DeliveredManifest {
  readonly job: string;
  readonly period?: number;
  readonly version?: number;
  readonly generated_at: string;
  readonly files: readonly { name: string; type: string; format: string; rows: number; bytes: number; sha256: string; control_totals: Record<string, string> }[];
}

/**
 * Checks a delivered manifest against the files next to it: SHA-256 and byte size of the bytes, row count and every
 * control total recomputed by DuckDB from the file itself (CSV or Parquet). Returns the manifest.
 */
export async function verifyManifest(folder: string, manifestName: string): Promise<DeliveredManifest> {
  const manifest = JSON.parse(await readFile(join(folder, manifestName), 'utf8')) as DeliveredManifest;
  expect(manifest.files.length).toBeGreaterThan(0);
  for (const entry of manifest.files) {
    const path = join(folder, entry.name);
    const bytes = await readFile(path);
    expect(createHash('sha256').update(bytes).digest('hex'), `${entry.name} SHA-256`).toBe(entry.sha256);
    expect(bytes.length, `${entry.name} bytes`).toBe(entry.bytes);
    const reader = entry.format === 'csv' ? `read_csv('${path}', header = true, all_varchar = true, quote = '"', escape = '"', delim = ',')` : `read_parquet('${path}')`;
    const columns = Object.keys(entry.control_totals);
    const value = (c: string) => (entry.format === 'csv' ? `CAST(NULLIF("${c}", '') AS DECIMAL(38,4))` : `CAST("${c}" AS DECIMAL(38,4))`);
    const { rows } = await readBack(`SELECT count(*)${columns.map((c) => `, CAST(coalesce(sum(${value(c)}), 0) AS VARCHAR)`).join('')} FROM ${reader}`);
    const [count, ...totals] = rows[0]!;
    expect(Number(count), `${entry.name} rows`).toBe(entry.rows);
    columns.forEach((c, i) => expect(numeric(String(totals[i])), `${entry.name} control total ${c}`).toBe(numeric(entry.control_totals[c]!)));
  }
  return manifest;
}

/**
 * One ExportProject for a describe block, with the hand-made fixture landed (and built, with `build`), removed after
 * it: call inside `describe`, read the project through the returned function inside tests.
 */
export function useFixtureProject(options: { build?: boolean } = {}): () => ExportProject {
  let project: ExportProject | undefined;
  beforeAll(async () => {
    project = await ExportProject.create();
    await project.landFixture();
    if (options.build) await project.build();
  });
  afterAll(async () => {
    await project?.cleanup();
  });
  return () => {
    if (!project) throw new Error('useFixtureProject: the project is only there inside tests');
    return project;
  };
}
