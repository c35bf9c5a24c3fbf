import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { runExtract } from '../../../src/extract/extract-service.js';
import { JsonReporter } from '../../../src/reporter/json-reporter.js';
import type { LogLevel } from '../../../src/reporter/reporter.js';
import { ExtractHarness, fileOutcome, invoicesCsv, localDeliver, localSource, manyOrders, statuses } from './extract-sources-kit.js';

/**
 * Resolves once `count` callers have arrived, or rejects after `ms`: a file that waits here inside its landing
 * transaction proves the other file is in its own transaction at the same time (landing one after the other would
 * time out).
 */
function barrier(count: number, ms = 15_000): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return async () => {
    if (++arrived === count) open();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${arrived} of ${count} landings were open at once`)), ms)));
    try {
      await Promise.race([opened, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

describe('two files landing at once (threads: 2)', () => {
  let inbox: string;
  let h: ExtractHarness;
  beforeEach(async () => {
    inbox = await mkdtemp(join(tmpdir(), 'revrec-concurrent-inbox-'));
    h = await ExtractHarness.create({ threads: 2 });
  });
  afterEach(async () => {
    await h.close();
    await rm(inbox, { recursive: true, force: true });
  });

  it('lands two files in transactions open at the same time; every file commits and versions ascend in key order', async () => {
    await localDeliver(inbox, { 'invoices.csv': invoicesCsv(30), 'orders.csv': manyOrders(800), 'orders_2.csv': manyOrders(200, 'SX') });
    const both = barrier(2);
    const outcome = await h.extract([localSource('inbox', inbox)], {
      beforeCommit: async ({ key }) => {
        if (key !== 'orders_2.csv') await both();
      },
    });
    expect(statuses(outcome)).toEqual({ 'invoices.csv': 'loaded', 'orders.csv': 'loaded', 'orders_2.csv': 'loaded' });
    const manifest = await h.manifest('inbox');
    expect(manifest.map((r) => r.file_key)).toEqual(['invoices.csv', 'orders.csv', 'orders_2.csv']);
    expect(manifest.map((r) => r.version)).toEqual(['1', '2', '3']);
    expect(await h.rows('SELECT _file, count(*)::INT AS n, min(_row)::INT AS first, max(_row)::INT AS last, min(_version)::VARCHAR AS v FROM raw.orders GROUP BY _file ORDER BY _file')).toEqual([
      { _file: 'orders.csv', n: 800, first: 2, last: 801, v: '2' },
      { _file: 'orders_2.csv', n: 200, first: 2, last: 201, v: '3' },
    ]);
    expect(await h.count('SELECT count(*) FROM raw.invoices')).toBe(30);
    expect(await h.rows("SELECT status, files_seen::INT AS seen, files_loaded::INT AS loaded FROM meta.extract_runs WHERE source = 'inbox'")).toEqual([
      { status: 'success', seen: 3, loaded: 3 },
    ]);
  });

  it('takes the largest file first, lands on single-threaded DuckDB, commits in key order and restores the threads', async () => {
    // orders_2.csv is the largest and comes third: one worker lands it while the other takes versions 1, 2, 4, 5.
    await localDeliver(inbox, {
      'invoices.csv': invoicesCsv(30),
      'orders.csv': manyOrders(50),
      'orders_2.csv': manyOrders(3000, 'SX'),
      'orders_3.csv': manyOrders(20, 'SY'),
      'orders_4.csv': manyOrders(10, 'SZ'),
    });
    const observer = await h.wh.session();
    const threadsWhileLanding = new Set<string>();
    try {
      const outcome = await h.extract([localSource('inbox', inbox)], {
        beforeCommit: async () => {
          threadsWhileLanding.add(String(await observer.scalar("SELECT current_setting('threads')")));
        },
      });
      expect(Object.values(statuses(outcome))).toEqual(['loaded', 'loaded', 'loaded', 'loaded', 'loaded']);
    } finally {
      observer.close();
    }
    expect([...threadsWhileLanding]).toEqual(['1']);
    expect(String(await h.wh.scalar("SELECT current_setting('threads')"))).toBe('2');
    expect((await h.manifest('inbox')).map((r) => `${r.version} ${r.file_key}`)).toEqual(['1 invoices.csv', '2 orders.csv', '3 orders_2.csv', '4 orders_3.csv', '5 orders_4.csv']);
    expect(await h.rows('SELECT _file, count(*)::INT AS n, min(_version)::VARCHAR AS v FROM raw.orders GROUP BY _file ORDER BY _file')).toEqual([
      { _file: 'orders.csv', n: 50, v: '2' },
      { _file: 'orders_2.csv', n: 3000, v: '3' },
      { _file: 'orders_3.csv', n: 20, v: '4' },
      { _file: 'orders_4.csv', n: 10, v: '5' },
    ]);
  });

  it('one new file among unchanged ones lands alone, with DuckDB\'s threads as configured', async () => {
    await localDeliver(inbox, { 'invoices.csv': invoicesCsv(30), 'orders.csv': manyOrders(50) });
    const source = localSource('inbox', inbox);
    expect(statuses(await h.extract([source]))).toEqual({ 'invoices.csv': 'loaded', 'orders.csv': 'loaded' });
    await localDeliver(inbox, { 'orders_2.csv': manyOrders(20, 'SX') });
    const observer = await h.wh.session();
    const threadsWhileLanding = new Set<string>();
    try {
      const outcome = await h.extract([source], {
        beforeCommit: async () => {
          threadsWhileLanding.add(String(await observer.scalar("SELECT current_setting('threads')")));
        },
      });
      expect(statuses(outcome)).toEqual({ 'invoices.csv': 'unchanged', 'orders.csv': 'unchanged', 'orders_2.csv': 'loaded' });
    } finally {
      observer.close();
    }
    expect([...threadsWhileLanding]).toEqual(['2']);
  });

  it('an error that stops the workers (not a file\'s) does not leave the largest file waiting for versions no one takes, nor record a landed file as failed', async () => {
    // orders_2.csv (version 3) is taken first; the other worker lands version 1 and then throws, so version 2 is
    // never taken. Version 3 must not wait for it forever: the extract ends with the error.
    await localDeliver(inbox, { 'invoices.csv': invoicesCsv(30), 'orders.csv': manyOrders(20), 'orders_2.csv': manyOrders(3000, 'SX') });
    class BreakingReporter extends JsonReporter {
      override log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
        if (message.includes('loaded invoices.csv')) throw new Error('the log broke');
        super.log(level, message, fields);
      }
    }
    const reporter = new BreakingReporter(new Writable({ write: (_chunk, _encoding, done) => done() }) as unknown as NodeJS.WritableStream, false, () => new Date());
    const run = runExtract(h.wh, { sections: { extract: [localSource('inbox', inbox)] }, reporter, clock: () => new Date(), tempDir: h.dir });
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the extract hung')), 20_000)));
    try {
      await expect(Promise.race([run, hang])).rejects.toThrow('the log broke');
    } finally {
      clearTimeout(timer);
    }
    expect(String(await h.wh.scalar("SELECT current_setting('threads')"))).toBe('2');
    // invoices.csv committed before its log broke: loaded once, not recorded as failed too; orders.csv was never taken.
    expect((await h.manifest('inbox')).map((r) => `${r.version} ${r.file_key} ${r.status}`)).toEqual(['1 invoices.csv loaded', '3 orders_2.csv loaded']);
  });

  it('a landing that fails rolls back only its own file; the file beside it commits, and the next run lands the failed one', async () => {
    await localDeliver(inbox, { 'invoices.csv': invoicesCsv(30), 'orders.csv': manyOrders(800) });
    const both = barrier(2);
    const source = localSource('inbox', inbox);
    const crashed = await h.extract([source], {
      beforeCommit: async ({ key }) => {
        await both();
        if (key === 'orders.csv') throw new Error('simulated crash before COMMIT');
      },
    });
    expect(fileOutcome(crashed, 'invoices.csv')).toMatchObject({ status: 'loaded', version: '1', rows: 30 });
    expect(fileOutcome(crashed, 'orders.csv')).toMatchObject({ status: 'failed', code: 'LOAD_ERROR', version: '2' });
    expect(await h.count('SELECT count(*) FROM raw.orders')).toBe(0);
    expect(await h.count('SELECT count(*) FROM raw.invoices')).toBe(30);

    const rerun = await h.extract([source]);
    expect(statuses(rerun)).toEqual({ 'invoices.csv': 'unchanged', 'orders.csv': 'loaded' });
    expect(fileOutcome(rerun, 'orders.csv').version).toBe('3');
    expect(await h.count('SELECT count(*) FROM raw.orders WHERE _version = 3')).toBe(800);
    expect((await h.manifest('inbox')).map((r) => `${r.version} ${r.file_key} ${r.status}`)).toEqual(['1 invoices.csv loaded', '2 orders.csv failed', '3 orders.csv loaded']);
  });

  it('a full reload of two files of one table replaces the rows of each, side by side', async () => {
    await localDeliver(inbox, { 'orders.csv': manyOrders(800), 'orders_2.csv': manyOrders(200, 'SX') });
    const source = localSource('inbox', inbox);
    expect(statuses(await h.extract([source]))).toEqual({ 'orders.csv': 'loaded', 'orders_2.csv': 'loaded' });
    const both = barrier(2);
    const reload = await h.extract([source], { fullReload: true, beforeCommit: () => both() });
    expect(statuses(reload)).toEqual({ 'orders.csv': 'loaded', 'orders_2.csv': 'loaded' });
    expect(await h.rows('SELECT _file, count(*)::INT AS n, min(_version)::VARCHAR AS v FROM raw.orders GROUP BY _file ORDER BY _file')).toEqual([
      { _file: 'orders.csv', n: 800, v: '3' },
      { _file: 'orders_2.csv', n: 200, v: '4' },
    ]);
  });

  it('a file ready first still commits after the file before it, so a crash leaves a prefix of the versions', async () => {
    await localDeliver(inbox, { 'invoices.csv': invoicesCsv(30), 'orders.csv': manyOrders(800) });
    let ordersWaiting!: () => void;
    const ordersReady = new Promise<void>((resolve) => (ordersWaiting = resolve));
    const observer = await h.wh.session();
    let committedMeanwhile: unknown[] = [];
    try {
      const outcome = await h.extract([localSource('inbox', inbox)], {
        beforeCommit: async ({ key }) => {
          if (key === 'orders.csv') return ordersWaiting();
          // invoices.csv (version 1): orders.csv has landed and wants to commit; give it time to (it must not).
          await ordersReady;
          await new Promise((resolve) => setTimeout(resolve, 300));
          committedMeanwhile = await observer.rows('SELECT version, file_key FROM meta.load_manifest');
        },
      });
      expect(statuses(outcome)).toEqual({ 'invoices.csv': 'loaded', 'orders.csv': 'loaded' });
    } finally {
      observer.close();
    }
    expect(committedMeanwhile).toEqual([]);
    expect((await h.manifest('inbox')).map((r) => `${r.version} ${r.file_key}`)).toEqual(['1 invoices.csv', '2 orders.csv']);
  });
});
