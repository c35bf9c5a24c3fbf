import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureProject } from '../../support/fixture-project.js';
import type { FixtureProject } from '../../support/fixture-project.js';
import { REPO_ROOT, assertCliBuilt, jsonLines, runCli, startChild, waitForExit } from './cli-harness.js';

/** A second process that opens the warehouse through the real (compiled) Warehouse class and holds it. */
const HOLDER = `
import { Warehouse } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'dist/warehouse/warehouse.js')).href)};
const wh = await Warehouse.open({ path: process.argv[2] }, { command: 'revrec build (lock holder)' });
await wh.run('create table if not exists held (x int)');
process.stdout.write('ready\\n');
setInterval(() => void wh, 60_000); // holds wh: a collected Warehouse would close the file and drop its lock
`;

let fixture: FixtureProject | undefined;
let holder: ChildProcess | undefined;
beforeAll(assertCliBuilt);
afterEach(async () => {
  if (holder && holder.exitCode === null && holder.signalCode === null) {
    holder.kill('SIGKILL');
    await waitForExit(holder);
  }
  holder = undefined;
  await fixture?.cleanup();
  fixture = undefined;
});

async function setup(): Promise<{ fixture: FixtureProject; warehouse: string }> {
  fixture = await createFixtureProject({ 'models/m/a.sql': 'select 1 as id', 'lock-holder.mjs': HOLDER });
  return { fixture, warehouse: fixture.path('warehouse.duckdb') };
}

describe('one writer at a time', () => {
  it('a second process exits with code 3 and names the holder (pid, host, start time, command)', async () => {
    const { fixture, warehouse } = await setup();
    holder = await startChild(fixture.path('lock-holder.mjs'), [warehouse]);
    const lock = JSON.parse(readFileSync(`${warehouse}.lock`, 'utf8')) as { pid: number; startedAt: string };
    expect(lock.pid).toBe(holder.pid);

    const text = await runCli(['run', '--project-dir', fixture.dir, '--log-format', 'text']);
    expect(text.code).toBe(3);
    expect(text.stderr).toContain(`in use by pid ${holder.pid} on ${hostname()}, running "revrec build (lock holder)" since ${lock.startedAt}`);
    expect(lock.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    // The locked-out process leaves target/ alone (it belongs to the run in progress).
    expect(existsSync(fixture.path('target/manifest.json'))).toBe(false);

    const json = await runCli(['build', '--project-dir', fixture.dir, '--log-format', 'json']);
    expect(json.code).toBe(3);
    expect(jsonLines(json.stdout).at(-1)).toMatchObject({ level: 'error', code: 'WAREHOUSE_LOCKED' });

    // Read-only work needs no lock.
    expect((await runCli(['ls', '--project-dir', fixture.dir])).code).toBe(0);
    expect((await runCli(['run', '--dry-run', '--project-dir', fixture.dir])).code).toBe(0);
  });

  it('a lock left by a SIGKILLed process is stale and taken over', async () => {
    const { fixture, warehouse } = await setup();
    holder = await startChild(fixture.path('lock-holder.mjs'), [warehouse]);
    holder.kill('SIGKILL');
    await waitForExit(holder);
    expect(existsSync(`${warehouse}.lock`)).toBe(true);

    const { code, stdout, stderr } = await runCli(['run', '--project-dir', fixture.dir, '--log-format', 'text']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Done. PASS=1');
    expect(existsSync(`${warehouse}.lock`)).toBe(false);
  });

  it('the lock file never exists empty (a draft is linked into place); a dead process\'s draft is removed', async () => {
    const { fixture, warehouse } = await setup();
    // pid 2^22 + 1 is above Linux's pid_max: no such process.
    const deadDraft = `${warehouse}.lock.4194305.draft`;
    await writeFile(deadDraft, '{"pid":4194305}');
    holder = await startChild(fixture.path('lock-holder.mjs'), [warehouse]);
    expect(JSON.parse(readFileSync(`${warehouse}.lock`, 'utf8'))).toMatchObject({ pid: holder.pid });
    expect(existsSync(deadDraft)).toBe(false);
    expect(existsSync(`${warehouse}.lock.${holder.pid}.draft`)).toBe(false);
  });

  it('an empty lock file is a process starting up at first, and stale once it has been empty for a while', async () => {
    const { fixture, warehouse } = await setup();
    await writeFile(`${warehouse}.lock`, '');
    const young = await runCli(['run', '--project-dir', fixture.dir, '--log-format', 'text']);
    expect(young.code).toBe(3);
    expect(young.stderr).toContain('is in use by another process');
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(`${warehouse}.lock`, minuteAgo, minuteAgo);
    const { code } = await runCli(['run', '--project-dir', fixture.dir]);
    expect(code).toBe(0);
  });
});
