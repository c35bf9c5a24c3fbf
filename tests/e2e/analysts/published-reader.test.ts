import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureProject } from '../../support/fixture-project.js';
import type { FixtureProject } from '../../support/fixture-project.js';
import { REPO_ROOT, assertCliBuilt, jsonLines, runCli, waitForExit } from '../cli/cli-harness.js';

/**
 * An analyst's session, as a separate process with its own READ_ONLY DuckDB connection on the published copy (what
 * a SQL client or notebook does). Commands on stdin: `query` prints the current answer, `reopen` closes and opens
 * the file again first. Every answer is one JSON line.
 */
const READER = `
import { DuckDBInstance } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'node_modules/@duckdb/node-api/lib/index.js')).href)};
import { createInterface } from 'node:readline';
const path = process.argv[2];
let instance, connection;
async function open() {
  instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  connection = await instance.connect();
}
async function answer() {
  const reader = await connection.runAndReadAll('SELECT n, total FROM marts.price_totals');
  process.stdout.write(JSON.stringify(reader.getRowObjectsJson()[0]) + '\\n');
}
await open();
process.stdout.write('ready\\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'reopen') {
    connection.closeSync();
    instance.closeSync();
    await open();
  }
  await answer();
}
`;

const PIPELINE = `
  name: analysts
  warehouse:
    path: warehouse/revrec.duckdb
    publish_path: published/revrec.duckdb
    threads: 1
`;

interface Reader {
  readonly child: ChildProcess;
  ask(command: 'query' | 'reopen'): Promise<{ n: string; total: string }>;
}

function startReader(script: string, database: string): Promise<Reader> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, database], { stdio: ['pipe', 'pipe', 'pipe'] });
    const waiting: ((line: string) => void)[] = [];
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`reader exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') {
        resolvePromise({
          child,
          ask: (command) =>
            new Promise((answer) => {
              waiting.push((text) => answer(JSON.parse(text) as { n: string; total: string }));
              child.stdin!.write(`${command}\n`);
            }),
        });
        return;
      }
      waiting.shift()?.(line);
    });
  });
}

let fixture: FixtureProject | undefined;
let reader: Reader | undefined;
beforeAll(assertCliBuilt);
afterEach(async () => {
  if (reader && reader.child.exitCode === null && reader.child.signalCode === null) {
    reader.child.kill('SIGKILL');
    await waitForExit(reader.child);
  }
  reader = undefined;
  await fixture?.cleanup();
  fixture = undefined;
});

describe('analysts read the published copy', () => {
  it('a reader holding the published file open does not block revrec pipeline, and sees the new data after reopening', async () => {
    fixture = await createFixtureProject({
      'pipeline.yml': PIPELINE,
      'seeds/prices.csv': 'sku,amount\nA,10.00\nB,2.50\n',
      'seeds/prices.yml': 'seeds:\n  - name: prices\n    column_types: {amount: "DECIMAL(18,2)"}\n',
      'models/marts/price_totals.sql': "select count(*) as n, sum(amount) as total from {{ref 'prices'}}",
      'reader.mjs': READER,
    });
    const published = fixture.path('published/revrec.duckdb');
    const pipeline = () => runCli(['pipeline', '--steps', 'build,publish', '--project-dir', fixture!.dir, '--log-format', 'json'], { timeoutMs: 60_000 });

    const first = await pipeline();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(existsSync(published)).toBe(true);

    reader = await startReader(fixture.path('reader.mjs'), published);
    expect(await reader.ask('query')).toEqual({ n: '2', total: '12.50' });

    await fixture.write({ 'seeds/prices.csv': 'sku,amount\nA,10.00\nB,2.50\nC,0.01\n' });
    const t0 = performance.now();
    const second = await pipeline();
    const seconds = (performance.now() - t0) / 1000;
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    const publishStep = jsonLines(second.stdout).find((l) => typeof l.message === 'string' && l.message.startsWith('step publish:'));
    expect(publishStep?.message).toContain('success');
    // Not blocked: no lock wait, no retry loop (a build of one seed and one model takes a few seconds).
    expect(seconds).toBeLessThan(30);

    // The open session keeps its snapshot (the old file, replaced by rename); reopening shows the new run.
    expect(await reader.ask('query')).toEqual({ n: '2', total: '12.50' });
    expect(await reader.ask('reopen')).toEqual({ n: '3', total: '12.51' });
  });
});
