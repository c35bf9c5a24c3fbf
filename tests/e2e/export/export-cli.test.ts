import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, jsonLines, REPO_ROOT, runCli } from '../cli/cli-harness.js';

/**
 * The CLI on a copy of the project (its own pipeline.yml, with the default `exports:` writing to REVREC_OUTBOX) and
 * the hand-made fixture of tests/fixtures/exports/inputs: check, close (which exports), continuous export (twice, and
 * --if-due), close export again, revenue detail as XLSX.
 */
describe('revrec export and period commands', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli([...args, '--project-dir', dir, '--log-format', 'json'], { env: { ...env, ...extra }, timeoutMs: 240_000 });
  const outbox = () => join(dir, 'outbox');

  beforeAll(async () => {
    await assertCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'revrec-e2e-export-'));
    for (const part of ['pipeline.yml', 'models', 'macros', 'seeds', 'sources', 'data-tests']) {
      if (existsSync(join(REPO_ROOT, part))) await cp(join(REPO_ROOT, part), join(dir, part), { recursive: true });
    }
    await mkdir(join(dir, 'inbox'));
    await cp(join(REPO_ROOT, 'tests/fixtures/exports/inputs'), join(dir, 'inbox'), { recursive: true });
    env = {
      REVREC_INBOX: join(dir, 'inbox'),
      REVREC_OUTBOX: outbox(),
      REVREC_WAREHOUSE: join(dir, 'warehouse', 'revrec.duckdb'),
      REVREC_PUBLISH_PATH: join(dir, 'warehouse', 'published.duckdb'),
      REVREC_TEMP_DIR: join(dir, 'warehouse', 'tmp'),
      REVREC_FIRST_PERIOD: '202401',
      REVREC_THREADS: '1',
      REVREC_NOW: '2024-02-01T08:00:00Z',
    };
    expect((await cli(['extract'])).code).toBe(0);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('period check prints every reconciliation and passes', async () => {
    const { code, stdout } = await cli(['period', 'check']);
    const checks = jsonLines(stdout).filter((l) => l.event === 'result').map((l) => l.data as { check: string; ok: boolean });
    expect(checks.map((c) => c.check)).toEqual([
      'data_tests',
      'fx_pending',
      'waterfall_vs_backlog',
      'waterfall_vs_deferred_unbilled',
      'journals_revenue',
      'journals_deferred_revenue',
      'journals_unbilled_receivable',
      'journals_balanced',
      'rollforward_identity',
    ]);
    expect(checks.every((c) => c.ok)).toBe(true);
    expect(code).toBe(0);
  });

  it('period close writes the close-period export (the default config: CSV to REVREC_OUTBOX)', async () => {
    const { code, stdout } = await cli(['period', 'close']);
    expect(code).toBe(0);
    expect(jsonLines(stdout).map((l) => l.message)).toContain('close-period export of 202401: 10 file(s) delivered');
    const files = (await readdir(outbox())).sort();
    expect(files).toHaveLength(10);
    expect(files).toContain('closedperiodexport-manifest-202401.json');
    expect(await readFile(join(outbox(), 'closedperiodexport-control-202401.csv'), 'utf8')).toBe('Closed_Period,Export_Timestamp\n202401,2024-02-01T08:00:00Z\n');
  });

  it('export continuous sends everything once, then nothing; --if-due waits for 23:00 UTC', async () => {
    const first = await cli(['export', 'continuous'], { REVREC_NOW: '2024-02-01T23:05:00Z' });
    expect(first.code).toBe(0);
    expect(jsonLines(first.stdout).find((l) => String(l.message).startsWith('continuous export 5: 10 file(s) delivered'))).toBeDefined();
    const afterFirst = await readdir(outbox());
    const second = await cli(['export', 'continuous'], { REVREC_NOW: '2024-02-01T23:10:00Z' });
    expect(second.code).toBe(0);
    expect(jsonLines(second.stdout).map((l) => l.message)).toContain('continuous export: nothing new');
    expect(await readdir(outbox())).toEqual(afterFirst);
    const notDue = await cli(['export', 'continuous', '--if-due'], { REVREC_NOW: '2024-02-02T22:59:00Z' });
    expect(jsonLines(notDue.stdout).map((l) => l.message)).toContain('continuous export: not due (daily at 23:00 UTC)');
    const due = await cli(['export', 'continuous', '--if-due'], { REVREC_NOW: '2024-02-02T23:01:00Z' });
    expect(jsonLines(due.stdout).map((l) => l.message)).toContain('continuous export: nothing new');
  });

  it('export close --period exports a closed period again; an open period is refused', async () => {
    const again = await cli(['export', 'close', '--period', '202401'], { REVREC_NOW: '2024-02-03T07:00:00Z' });
    expect(again.code).toBe(0);
    expect(await readFile(join(outbox(), 'closedperiodexport-control-202401.csv'), 'utf8')).toContain('2024-02-03T07:00:00Z');
    const open = await cli(['export', 'close', '--period', '202402']);
    expect(open.code).toBe(1);
    expect(jsonLines(open.stdout).find((l) => l.level === 'error')?.message).toMatch(/period 202402 is not closed/);
  });

  it('export revenue-detail writes the XLSX report with its header block', async () => {
    const out = join(dir, 'reports', 'rd.xlsx');
    const { code, stdout } = await cli(['export', 'revenue-detail', '--period', '202402', '--format', 'xlsx', '--out', out]);
    expect(code).toBe(0);
    expect(jsonLines(stdout).find((l) => String(l.message).startsWith('revenue detail 202402: 8 line(s)'))).toBeDefined();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(2).text).toBe('202402');
    expect(sheet.getRow(6).getCell(2).text).toMatch(/^2024-02-01T08:00:00Z by /);
    expect(sheet.getRow(8).getCell(1).text).toBe('Customer Account Number');
    expect(sheet.rowCount).toBe(8 + 8);
  });
});
