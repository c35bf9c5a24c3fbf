import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { runExtract } from '../../../src/extract/extract-service.js';
import { JsonReporter } from '../../../src/reporter/json-reporter.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';
import { buildZip } from '../../fixtures/inputs/zip-builder.js';
import { ExtractHarness, fileOutcome, invoicesCsv, localDeliver, localSource, manyOrders, statuses } from './extract-sources-kit.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('a crash between download and commit', () => {
  let inbox: string;
  beforeEach(async () => {
    inbox = await mkdtemp(join(tmpdir(), 'revrec-crash-inbox-'));
  });
  afterEach(async () => {
    await rm(inbox, { recursive: true, force: true });
  });

  it('an error inside the landing transaction leaves no row of any entry; the next run lands the file exactly once', async () => {
    const h = await ExtractHarness.create();
    try {
      const zip = buildZip([
        { name: 'orders.csv', data: manyOrders(300) },
        { name: 'invoices.csv', data: invoicesCsv(40) },
      ]);
      await localDeliver(inbox, { 'delivery.zip': zip });
      const source = localSource('inbox', inbox);
      const crashed = await h.extract([source], {
        beforeCommit: () => {
          throw new Error('simulated crash before COMMIT');
        },
      });
      expect(fileOutcome(crashed, 'delivery.zip')).toMatchObject({ status: 'failed', code: 'LOAD_ERROR' });
      expect(fileOutcome(crashed, 'delivery.zip').message).toContain('landing failed and was rolled back: simulated crash before COMMIT');
      expect(await h.count('SELECT (SELECT count(*) FROM raw.orders) + (SELECT count(*) FROM raw.invoices) + (SELECT count(*) FROM raw.rejected_rows)')).toBe(0);

      // Not the file's fault: retried on the next run although it did not change.
      const rerun = await h.extract([source]);
      expect(fileOutcome(rerun, 'delivery.zip')).toMatchObject({ status: 'loaded', rows: 340 });
      expect(await h.count('SELECT count(*) FROM raw.orders')).toBe(300);
      expect(await h.count('SELECT count(DISTINCT _version) FROM raw.orders')).toBe(1);
      expect((await h.manifest('inbox')).map((r) => `${r.status}:${r.error_code ?? ''}`)).toEqual(['failed:LOAD_ERROR', 'loaded:']);
      expect(statuses(await h.extract([source]))).toEqual({ 'delivery.zip': 'unchanged' });
    } finally {
      await h.close();
    }
  });

  it('a process killed inside the landing transaction leaves nothing half-loaded; the next run lands the file exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'revrec-crash-wh-'));
    const warehouse = join(dir, 'warehouse.duckdb');
    try {
      await localDeliver(inbox, { 'invoices.csv': invoicesCsv(25), 'orders.csv': manyOrders(2000) });
      // The child commits invoices.csv, then is killed while orders.csv sits in its open transaction.
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, warehouse, inbox, 'orders.csv'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('in-transaction')) resolve();
        });
        void exited.then((code) => reject(new Error(`the child ended (${String(code)}) before its transaction: ${stderr}`)));
      });
      child.kill('SIGKILL');
      await exited;

      // The lock file names a dead process: taken over. DuckDB replays only committed work from its WAL.
      const wh = await Warehouse.open({ path: warehouse, threads: 1 }, { command: 'after the crash' });
      try {
        expect(await wh.rows('SELECT file_key, status FROM meta.load_manifest ORDER BY version')).toEqual([{ file_key: 'invoices.csv', status: 'loaded' }]);
        expect(Number(await wh.scalar('SELECT count(*) FROM raw.invoices'))).toBe(25);
        expect(Number(await wh.scalar('SELECT count(*) FROM raw.orders'))).toBe(0);

        expect(await runOnce(wh, inbox)).toEqual({ 'invoices.csv': 'unchanged', 'orders.csv': 'loaded' });
        expect(await wh.rows('SELECT file_key, status FROM meta.load_manifest ORDER BY version')).toEqual([
          { file_key: 'invoices.csv', status: 'loaded' },
          { file_key: 'orders.csv', status: 'loaded' },
        ]);
        expect(Number(await wh.scalar('SELECT count(*) FROM raw.orders'))).toBe(2000);
        expect(Number(await wh.scalar('SELECT count(*) FROM raw.invoices'))).toBe(25);
        // The killed run never finished; the next one did.
        expect(await wh.rows('SELECT status FROM meta.extract_runs ORDER BY started_at')).toEqual([{ status: 'running' }, { status: 'success' }]);
      } finally {
        wh.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** `revrec extract` of the inbox on an open warehouse, output discarded; the status of each file. */
async function runOnce(wh: Warehouse, folder: string): Promise<Record<string, string>> {
  const outcome = await runExtract(wh, {
    sections: { extract: [localSource('inbox', folder)] },
    reporter: new JsonReporter(new Writable({ write: (_c, _e, done) => done() }) as unknown as NodeJS.WritableStream),
    clock: () => new Date(),
  });
  return statuses(outcome);
}
