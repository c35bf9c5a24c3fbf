import { describe, expect, it } from 'vitest';
import { CompileError, ConfigError } from '../../../src/errors.js';
import { interpolateEnv } from '../../../src/project/env-interpolation.js';
import { loadProject } from '../../../src/project/load-project.js';
import { createFixtureProject } from '../../support/fixture-project.js';
import { compileFixture, errorOf, loadFixture } from './compile-helpers.js';

describe('env interpolation', () => {
  const env = { HOME_CCY: 'EUR', EMPTY: '', PASSWORD: 'p#ss: word' };

  it('expands ${VAR} and ${VAR:-default}', () => {
    expect(interpolateEnv('ccy=${HOME_CCY}', env, 'f.yml')).toBe('ccy=EUR');
    expect(interpolateEnv('${MISSING:-USD}/${HOME_CCY:-USD}', env, 'f.yml')).toBe('USD/EUR');
    expect(interpolateEnv('${MISSING:-}', env, 'f.yml')).toBe('');
  });

  it('uses the default for an empty variable, like a shell, and keeps an empty value without one', () => {
    expect(interpolateEnv('${EMPTY:-x}', env, 'f.yml')).toBe('x');
    expect(interpolateEnv('[${EMPTY}]', env, 'f.yml')).toBe('[]');
  });

  it('keeps $${ as a literal ${', () => {
    expect(interpolateEnv('cost $${HOME_CCY} ${HOME_CCY}', env, 'f.yml')).toBe('cost ${HOME_CCY} EUR');
  });

  it('names the variable, file and line when a variable is unset', () => {
    const error = (() => {
      try {
        interpolateEnv('a\nb: ${NOPE}', env, 'pipeline.yml');
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('NOPE');
    expect(error.location).toMatchObject({ file: 'pipeline.yml', line: 2 });
    expect(error.hint).toContain('${NOPE:-default}');
  });

  it('expands after parsing: a value with YAML syntax in it cannot change the structure', async () => {
    const project = await loadFixture(
      { 'pipeline.yml': 'name: p\nwarehouse:\n  path: ${WH_PATH:-wh.duckdb}\n  threads: ${THREADS:-2}\nvars:\n  secret: ${PASSWORD}\n' },
      { env },
    );
    expect(project.settings.warehouse).toEqual({ path: 'wh.duckdb', threads: 2 });
    expect(project.settings.vars.secret).toBe('p#ss: word');
  });

  it('reports an unset variable in pipeline.yml with the line of the key that uses it', async () => {
    const error = await errorOf<ConfigError>(() => loadFixture({ 'pipeline.yml': 'name: p\nwarehouse:\n  path: x.duckdb\nvars:\n  a: 1\n  b: ${NOT_SET_ANYWHERE}\n' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.describe()).toContain('pipeline.yml:6');
    expect(error.message).toContain('NOT_SET_ANYWHERE');
  });
});

describe('YAML errors', () => {
  it('a syntax error names the file and line', async () => {
    const error = await errorOf<CompileError>(() =>
      loadFixture({
        'models/staging/stg_a.sql': 'select 1 as id',
        'models/staging/schema.yml': 'models:\n  - name: stg_a\n    description: ok\n   bad_indent: [\n',
      }),
    );
    expect(error).toBeInstanceOf(CompileError);
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]!.location.file).toBe('models/staging/schema.yml');
    expect(error.errors[0]!.location.line).toBeGreaterThanOrEqual(3);
    expect(error.message).toContain('invalid YAML');
  });

  it('a schema error points at the offending key', async () => {
    const error = await errorOf<CompileError>(() =>
      loadFixture({
        'models/staging/stg_a.sql': 'select 1 as id',
        'models/staging/schema.yml': 'models:\n  - name: stg_a\n    config:\n      materialized: tabel\n',
      }),
    );
    expect(error.errors[0]!.describe()).toMatch(/^models\/staging\/schema\.yml:4: models\.0\.config\.materialized/);
  });

  it('a duplicate key is an error, not a silent override', async () => {
    const error = await errorOf<CompileError>(() =>
      loadFixture({
        'models/staging/stg_a.sql': 'select 1 as id',
        'models/staging/schema.yml': 'models:\n  - name: stg_a\n    description: one\n    description: two\n',
      }),
    );
    expect(error.errors[0]!.location).toMatchObject({ file: 'models/staging/schema.yml', line: 4 });
  });

  it('warehouse.vacuum and vacuum_after_deleted are read, and a share that is not a percentage names its line', async () => {
    const project = await loadFixture({ 'pipeline.yml': 'name: p\nwarehouse:\n  path: x.duckdb\n  vacuum: always\n  vacuum_after_deleted: 50%\n' });
    expect(project.settings.warehouse).toEqual({ path: 'x.duckdb', vacuum: 'always', vacuumAfterDeleted: 0.5 });
    const error = await errorOf<ConfigError>(() => loadFixture({ 'pipeline.yml': 'name: p\nwarehouse:\n  path: x.duckdb\n  vacuum_after_deleted: 2\n' }));
    expect(error.describe()).toContain('pipeline.yml:4');
    expect(error.describe()).toContain('a percentage such as 100%');
  });

  it('warehouse.memory_limit is a size, and one that is not names its line and the form', async () => {
    const project = await loadFixture({ 'pipeline.yml': 'name: p\nwarehouse:\n  path: x.duckdb\n  memory_limit: 4GiB\n' });
    expect(project.settings.warehouse).toEqual({ path: 'x.duckdb', memoryLimit: '4GiB' });
    const error = await errorOf<ConfigError>(() => loadFixture({ 'pipeline.yml': 'name: p\nwarehouse:\n  path: x.duckdb\n  memory_limit: 4 gigs\n' }));
    expect(error.describe()).toContain('pipeline.yml:4');
    expect(error.describe()).toContain('a size such as 4GB, 4GiB or 3500MB');
  });

  it('warehouse.storage_version is a DuckDB storage version or latest, and anything else names its line', async () => {
    const project = await loadFixture({ 'pipeline.yml': 'name: p\nwarehouse:\n  path: x.duckdb\n  storage_version: v1.0.0\n' });
    expect(project.settings.warehouse).toEqual({ path: 'x.duckdb', storageVersion: 'v1.0.0' });
    const latest = await loadFixture({ 'pipeline.yml': 'name: p\nwarehouse:\n  path: x.duckdb\n  storage_version: latest\n' });
    expect(latest.settings.warehouse.storageVersion).toBe('latest');
    const error = await errorOf<ConfigError>(() => loadFixture({ 'pipeline.yml': 'name: p\nwarehouse:\n  path: x.duckdb\n  storage_version: 1.3\n' }));
    expect(error.describe()).toContain('pipeline.yml:4');
    expect(error.describe()).toContain('a DuckDB storage version such as v1.3.0, or latest');
  });

  it('pipeline.yml problems are ConfigErrors with the line', async () => {
    const error = await errorOf<ConfigError>(() => loadFixture({ 'pipeline.yml': 'name: Bad-Name\nwarehouse:\n  path: x.duckdb\n' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.describe()).toContain('pipeline.yml:1');
  });

  it('a missing pipeline.yml says where it looked and what to do', async () => {
    const fixture = await createFixtureProject({});
    await fixture.write({ 'pipeline.yml': null });
    try {
      const error = await errorOf<ConfigError>(() => loadProject(fixture.dir, {}));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.hint).toContain('--project-dir');
    } finally {
      await fixture.cleanup();
    }
  });

  it('several broken YAML files are all reported together', async () => {
    const error = await errorOf<CompileError>(() =>
      loadFixture({
        'models/staging/stg_a.sql': 'select 1 as id',
        'models/staging/a.yml': 'models: [\n',
        'models/marts/b.yml': 'models:\n  - name: nope\n',
        'seeds/s.yml': 'seeds:\n  - name: s\n    unknown_key: 1\n',
        'sources/raw.yml': 'sources:\n  - name: raw\n    tables:\n      - name: t\n        tests: [not_a_test]\n',
      }),
    );
    const files = error.errors.map((e) => e.location.file).sort();
    expect(files).toEqual(['models/marts/b.yml', 'models/staging/a.yml', 'seeds/s.yml', 'sources/raw.yml']);
    expect(error.message).toContain('4 compilation errors');
  });
});

describe('config precedence', () => {
  const pipelineExtra = `
    models:
      fixture:
        +materialized: table
        +tags: [all]
        staging:
          +materialized: view
          +tags: staging
          +schema: stage
        marts:
          +tags: [marts]
  `;

  it('folder defaults < YAML config < inline {{config}}; tags accumulate through every layer', async () => {
    const graph = await compileFixture(
      {
        'models/staging/stg_a.sql': 'select 1 as id',
        'models/staging/stg_b.sql': "{{config materialized='table' tags='inline'}}select 1 as id",
        'models/staging/schema.yml': 'models:\n  - name: stg_b\n    config:\n      materialized: ephemeral\n      tags: [yaml]\n      schema: other\n',
        'models/marts/fct.sql': "select * from {{ref 'stg_a'}}",
      },
      { pipelineExtra },
    );
    const a = graph.nodes['model.fixture.stg_a'];
    const b = graph.nodes['model.fixture.stg_b'];
    const fct = graph.nodes['model.fixture.fct'];
    if (a?.kind !== 'model' || b?.kind !== 'model' || fct?.kind !== 'model') throw new Error('missing models');
    expect(a.config).toMatchObject({ materialized: 'view', schema: 'stage', tags: ['all', 'staging'] });
    expect(b.config).toMatchObject({ materialized: 'table', schema: 'other', tags: ['all', 'staging', 'yaml', 'inline'] });
    expect(fct.config).toMatchObject({ materialized: 'table', schema: 'marts', tags: ['all', 'marts'] });
    expect(fct.relation).toBe('"marts"."fct"');
  });

  it('the schema defaults to the top folder under models/ (one schema per layer)', async () => {
    const graph = await compileFixture({
      'models/intermediate/deep/er/int_x.sql': 'select 1 as id',
      'models/top_level.sql': 'select 1 as id',
    });
    expect(graph.nodes['model.fixture.int_x']).toMatchObject({ schema: 'intermediate', fqn: ['fixture', 'intermediate', 'deep', 'er', 'int_x'] });
    expect(graph.nodes['model.fixture.top_level']).toMatchObject({ schema: 'main' });
  });

  it('unique_key in {{config}} makes an incremental model merge (dbt default)', async () => {
    const graph = await compileFixture({
      'models/marts/inc.sql': "{{config materialized='incremental' unique_key='id,day'}}select 1 as id, 2 as day",
    });
    expect(graph.nodes['model.fixture.inc']).toMatchObject({ config: { incrementalStrategy: 'merge', uniqueKey: ['id', 'day'] } });
  });

  it('a typo in a folder default (+key) is a config error naming pipeline.yml, not a crash', async () => {
    const error = await errorOf<ConfigError>(() =>
      loadFixture({ 'models/staging/a.sql': 'select 1' }, { pipelineExtra: 'models:\n  staging:\n    +materialised: table\n' }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('materialised');
    // default pipeline.yml: name, warehouse, path, threads, then models: (line 5), staging (6), +materialised (7)
    expect(error.location).toMatchObject({ file: 'pipeline.yml', line: 7 });
  });

  it('enabled: false removes a model', async () => {
    const project = await loadFixture({
      'models/staging/a.sql': 'select 1',
      'models/staging/b.sql': 'select 2',
      'models/staging/schema.yml': 'models:\n  - name: b\n    config: {enabled: false}\n',
    });
    expect(project.models.map((m) => m.name)).toEqual(['a']);
  });

  it('duplicate model names and YAML without SQL name both places', async () => {
    const error = await errorOf<CompileError>(() =>
      loadFixture({
        'models/staging/a.sql': 'select 1',
        'models/marts/a.sql': 'select 2',
        'models/marts/schema.yml': 'models:\n  - name: ghost\n',
      }),
    );
    expect(error.errors).toHaveLength(2);
    expect(error.message).toContain('models/marts/a.sql');
    expect(error.message).toContain('models/staging/a.sql');
    expect(error.message).toMatch(/models\/marts\/schema\.yml:2: "ghost" is described in YAML/);
  });

  it('a seed YAML entry without its CSV is an error (its column_types would silently not apply)', async () => {
    const error = await errorOf<CompileError>(() =>
      loadFixture({
        'seeds/products.csv': 'sku,ssp\nA,1.00\n',
        'seeds/seeds.yml': 'seeds:\n  - name: products\n    column_types: {ssp: "DECIMAL(18,2)"}\n  - name: product\n    column_types: {ssp: "DECIMAL(18,2)"}\n',
      }),
    );
    expect(error.errors.map((e) => e.describe())).toEqual(['seeds/seeds.yml:4: seed "product" is described in YAML but there is no seeds/**/product.csv']);
  });

  it('the project is frozen (read-only)', async () => {
    const project = await loadFixture({ 'models/staging/a.sql': 'select 1' });
    expect(Object.isFrozen(project.models[0]!.config)).toBe(true);
  });
});
