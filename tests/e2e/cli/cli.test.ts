import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureProject } from '../../support/fixture-project.js';
import type { FixtureProject } from '../../support/fixture-project.js';
import { CLI, assertCliBuilt, jsonLines, runCli } from './cli-harness.js';

const PROJECT = {
  'seeds/fx.csv': 'ccy,rate\nEUR,1.0842\n',
  'seeds/fx.yml': 'seeds:\n  - name: fx\n    column_types: {rate: "DECIMAL(18,6)"}\n',
  'models/staging/stg_a.sql': "select 1 as id, rate from {{ref 'fx'}}",
  'models/staging/stg_b.sql': 'select 2 as id',
  'models/marts/fct.sql': "{{config materialized='table' tags='finance'}}select * from {{ref 'stg_a'}} union all select id, null from {{ref 'stg_b'}}",
  'models/marts/schema.yml': 'models:\n  - name: fct\n    description: Facts\n    columns:\n      - name: id\n        tests: [not_null, unique]\n',
};

let fixture: FixtureProject;
beforeAll(async () => {
  await assertCliBuilt();
  fixture = await createFixtureProject(PROJECT, { name: 'e2e' });
});
afterAll(async () => {
  await fixture?.cleanup();
});

const cli = (...args: string[]) => runCli([...args, '--project-dir', fixture.dir]);

describe('revrec CLI', () => {
  it('build: seeds, models and tests; exit 0; run_results.json and manifest.json with schema versions', async () => {
    const { code, stdout, stderr } = await cli('build', '--log-format', 'text');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Done. PASS=6 WARN=0 ERROR=0 SKIP=0 TOTAL=6');
    expect(stdout).toMatch(/OK load seed fx/);
    const results = JSON.parse(await readFile(fixture.path('target/run_results.json'), 'utf8'));
    expect(results.metadata.schema_version).toBe('revrec/run-results/v1');
    expect(results.results).toHaveLength(6);
    const manifest = JSON.parse(await readFile(fixture.path('target/manifest.json'), 'utf8'));
    expect(manifest.metadata.schema_version).toBe('revrec/manifest/v1');
  });

  it('run --select with the dbt grammar, space-separated or repeated', async () => {
    const one = await cli('run', '--select', 'stg_b', '--log-format', 'json');
    expect(one.code).toBe(0);
    const finished = jsonLines(one.stdout).filter((l) => l.event === 'node_finished');
    expect(finished.map((l) => l.name)).toEqual(['stg_b']);
    const two = await cli('run', '--select', 'stg_b', 'tag:finance', '--exclude', 'stg_a', '--log-format', 'json');
    expect(two.code).toBe(0);
    expect(jsonLines(two.stdout).filter((l) => l.event === 'node_finished').map((l) => l.name)).toEqual(['stg_b', 'fct']);
  });

  it('--dry-run prints the plan and opens no warehouse', async () => {
    const other = await createFixtureProject(PROJECT);
    try {
      const { code, stdout } = await runCli(['build', '--dry-run', '--select', '+fct', '--project-dir', other.dir, '--log-format', 'text']);
      expect(code).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines[0]).toBe('Plan for build: 6 step(s)');
      expect(lines.slice(1).map((l) => l.replace(/\s+/g, ' '))).toEqual([
        '1. create view "staging"."stg_b"',
        '2. load seed "seeds"."fx"',
        '3. create view "staging"."stg_a"',
        '4. build table "marts"."fct"',
        '5. run test not_null_fct_id',
        '6. run test unique_fct_id',
      ]);
      expect(existsSync(other.path('warehouse.duckdb'))).toBe(false);
    } finally {
      await other.cleanup();
    }
  });

  it('ls --output json prints one JSON object per node', async () => {
    const { code, stdout } = await cli('ls', '--output', 'json', '--resource-type', 'model');
    expect(code).toBe(0);
    const lines = jsonLines(stdout);
    expect(lines.map((l) => l.unique_id)).toEqual(['model.e2e.stg_b', 'model.e2e.stg_a', 'model.e2e.fct']);
    expect(lines[2]).toMatchObject({ resource_type: 'model', materialized: 'table', relation: '"marts"."fct"', tags: ['finance'] });
    const logged = jsonLines((await cli('ls', '--output', 'json', '--select', 'fct', '--resource-type', 'model', '--log-format', 'json')).stdout);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ event: 'result', data: { unique_id: 'model.e2e.fct', materialized: 'table', depends_on: ['model.e2e.stg_a', 'model.e2e.stg_b'] } });
    const selected = await cli('ls', '--select', '+fct', '--output', 'name');
    expect(selected.stdout.trim().split('\n').sort()).toEqual(['fct', 'fx', 'not_null_fct_id', 'stg_a', 'stg_b', 'unique_fct_id']);
  });

  it('compile writes target/compiled/ and manifest.json', async () => {
    const other = await createFixtureProject(PROJECT);
    try {
      const { code, stderr } = await runCli(['compile', '--project-dir', other.dir, '--log-format', 'text']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(await readFile(other.path('target/compiled/models/marts/fct.sql'), 'utf8')).toBe(
        'select * from "staging"."stg_a" union all select id, null from "staging"."stg_b"\n',
      );
      expect(existsSync(other.path('target/compiled/data-tests/generic/unique_fct_id.sql'))).toBe(true);
      const manifest = JSON.parse(await readFile(other.path('target/manifest.json'), 'utf8'));
      expect(Object.keys(manifest.nodes)).toHaveLength(6);
      expect(existsSync(other.path('warehouse.duckdb'))).toBe(false);
    } finally {
      await other.cleanup();
    }
  });

  it('compile of a large project stays within a low open-file limit (ulimit -n 512)', async () => {
    const files: Record<string, string> = {};
    const yaml = ['models:'];
    for (let i = 0; i < 600; i++) {
      files[`models/m/m_${i}.sql`] = i === 0 ? 'select 1 as id' : `select * from {{ref 'm_${i - 1}'}}`;
      yaml.push(`  - name: m_${i}`, '    columns:', '      - name: id', '        tests: [not_null]');
    }
    files['models/m/schema.yml'] = yaml.join('\n');
    const big = await createFixtureProject(files);
    try {
      const result = await runCli(['-c', `ulimit -n 512 && exec "${process.execPath}" "${CLI}" compile --project-dir "${big.dir}" --log-format text`], { shell: 'bash' });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Compiled 600 models, 600 tests');
    } finally {
      await big.cleanup();
    }
  });

  it('--log-format json: every stdout line is JSON; the failure exit code is 1', async () => {
    await fixture.write({ 'models/staging/stg_b.sql': 'select null as id' });
    try {
      const { code, stdout } = await cli('build', '--log-format', 'json');
      expect(code).toBe(1);
      const lines = jsonLines(stdout);
      expect(lines.every((l) => typeof l.ts === 'string' && typeof l.level === 'string' && typeof l.event === 'string')).toBe(true);
      expect(lines.find((l) => l.name === 'not_null_fct_id' && l.event === 'node_finished')).toMatchObject({ status: 'fail', level: 'error' });
      expect(lines.at(-1)).toMatchObject({ level: 'error', message: 'Done. PASS=5 WARN=0 ERROR=1 SKIP=0 TOTAL=6' });
    } finally {
      await fixture.write({ 'models/staging/stg_b.sql': PROJECT['models/staging/stg_b.sql'] });
    }
  });

  it('exit code 2 for compile errors (all of them, with file and line), bad options, bad --vars and unknown selectors', async () => {
    const broken = await createFixtureProject({
      'models/m/a.sql': "select * from {{ref 'nope'}}",
      'models/m/b.sql': 'select 1\n{{var "missing"}}',
    });
    try {
      const compile = await runCli(['run', '--project-dir', broken.dir, '--log-format', 'text']);
      expect(compile.code).toBe(2);
      expect(compile.stderr).toContain('2 compilation errors');
      expect(compile.stderr).toContain('models/m/a.sql:1: ref("nope") names no model or seed');
      expect(compile.stderr).toContain('models/m/b.sql:2: var "missing" is not set');
      // The pipeline compiles the project while the warehouse opens: a compile error is the build step's error (exit
      // 1, a failed step), the steps before it still run, and the export and publish after it are skipped.
      const pipeline = await runCli(['pipeline', '--steps', 'extract,build,export', '--project-dir', broken.dir, '--log-format', 'json']);
      expect(pipeline.code).toBe(1);
      const events = jsonLines(pipeline.stdout) as { message?: string; step?: string; status?: string }[];
      const stepEnds = events.filter((e) => /^step [a-z]+: /.test(e.message ?? ''));
      expect(stepEnds.map((e) => [e.step, e.status])).toEqual([['extract', 'success'], ['build', 'error'], ['export', 'skipped']]);
      expect(stepEnds[1]!.message).toContain('models/m/a.sql:1: ref("nope") names no model or seed');
    } finally {
      await broken.cleanup();
    }
    expect((await cli('run', '--no-such-flag')).code).toBe(2);
    const selector = await cli('run', '--select', 'stg_bb', '--log-format', 'text');
    expect(selector.code).toBe(2);
    expect(selector.stderr).toContain('selector "stg_bb" matches no node');
    const vars = await cli('run', '--vars', '{a: [', '--log-format', 'text');
    expect(vars.code).toBe(2);
    expect(vars.stderr).toMatch(/^Error: --vars is not valid YAML\/JSON: .*\(example: --vars/);
    expect(vars.stderr).not.toContain('    at ');
    const missing = await runCli(['ls', '--project-dir', '/nonexistent/revrec-project', '--log-format', 'json']);
    expect(missing.code).toBe(2);
    expect(jsonLines(missing.stdout)[0]).toMatchObject({ level: 'error', code: 'ConfigError' });
  });
});
