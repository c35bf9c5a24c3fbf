import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { SeededPrng } from '../../src/sample/seeded-prng.js';

/** Project-relative path → content. */
export type GeneratedProject = Record<string, string>;

interface LayerModel {
  readonly name: string;
  readonly folder: string;
  readonly sql: string;
  readonly yaml?: string;
}

/**
 * A realistic layered project of `models` models: staging (15%, one per raw source table, views) → intermediate
 * (35%, 1–3 refs each, a tenth ephemeral) → marts (35%, tables and merge-incrementals joining 2–4 intermediates and
 * a seed) → exports (15%, views). Models sit in sub-folders of 40, each with a schema.yml documenting columns with
 * not_null/unique/accepted_values/relationships/expression tests. Three typed seeds, two macros and a partial.
 */
export function generateLayeredProject(models: number, seed = 42): GeneratedProject {
  const prng = new SeededPrng(seed, 'project');
  const random = () => prng.fraction();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const nStaging = Math.max(1, Math.round(models * 0.15));
  const nIntermediate = Math.max(1, Math.round(models * 0.35));
  const nMarts = Math.max(1, Math.round(models * 0.35));
  const nExports = Math.max(0, models - nStaging - nIntermediate - nMarts);
  const files: GeneratedProject = {
    'pipeline.yml': [
      'name: bench',
      'warehouse:',
      '  path: ${REVREC_BENCH_WAREHOUSE:-warehouse.duckdb}',
      '  threads: 2',
      'vars:',
      '  home_currency: EUR',
      'models:',
      '  bench:',
      '    staging:',
      '      +materialized: view',
      '      +tags: [staging]',
      '    marts:',
      '      +materialized: table',
      '      +tags: [finance]',
      '',
    ].join('\n'),
    'macros/cents.hbs': '{{!-- params: column --}}CAST(round({{column}} * 100) AS BIGINT)',
    'macros/safe_divide.hbs': '{{!-- params: num, den --}}CASE WHEN {{den}} IS NULL OR {{den}} = 0 THEN NULL ELSE {{num}} / {{den}} END',
    'macros/audit_columns.hbs': "current_date AS loaded_on, '{{var \"home_currency\"}}' AS home_currency",
    'seeds/currencies.csv': 'code,decimals\nEUR,2\nUSD,2\nJPY,0\n',
    'seeds/products.csv': 'sku,ssp\nP-1,100.00\nP-2,250.50\n',
    'seeds/gl_accounts.csv': 'account,name\n4000,Revenue\n2500,Deferred revenue\n',
    'seeds/seeds.yml': [
      'seeds:',
      '  - name: currencies',
      '    column_types: {decimals: INTEGER}',
      '    columns:',
      '      - name: code',
      '        tests: [not_null, unique]',
      '  - name: products',
      '    column_types: {ssp: "DECIMAL(18,2)"}',
      '  - name: gl_accounts',
      '    column_types: {account: INTEGER}',
      '',
    ].join('\n'),
  };

  const sourceTables = Array.from({ length: nStaging }, (_, i) => `orders_${i}`);
  files['sources/raw.yml'] = [
    'sources:',
    '  - name: raw',
    '    description: Landed files',
    '    tables:',
    ...sourceTables.flatMap((t, i) => [`      - name: ${t}`, ...(i % 5 === 0 ? ['        columns:', '          - name: id', '            tests: [not_null]'] : [])]),
    '',
  ].join('\n');

  const layer: LayerModel[] = [];
  const staging = sourceTables.map((table, i) => `stg_orders_${i}`);
  staging.forEach((name, i) => {
    layer.push({
      name,
      folder: `staging/group_${Math.floor(i / 40)}`,
      sql: [
        'select',
        '  id,',
        '  customer_id,',
        '  status,',
        "  {{cents 'amount'}} as amount_cents,",
        '  cast(booked_at as date) as booked_on,',
        '  {{> audit_columns}}',
        `from {{source 'raw' '${sourceTables[i]}'}}`,
        'where id is not null',
        '',
      ].join('\n'),
      yaml: columnsYaml(name, 'Staged orders, one row per order', true),
    });
  });

  const intermediate: string[] = [];
  const ephemeral = new Set<string>();
  for (let i = 0; i < nIntermediate; i++) {
    const name = `int_revenue_${i}`;
    const pool = [...staging, ...intermediate.filter((n) => !ephemeral.has(n) || random() < 0.5)];
    const refs = [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(pool)))];
    const isEphemeral = i % 10 === 9;
    if (isEphemeral) ephemeral.add(name);
    const [first, ...rest] = refs;
    layer.push({
      name,
      folder: `intermediate/group_${Math.floor(i / 40)}`,
      sql: [
        ...(isEphemeral ? ["{{config materialized='ephemeral'}}"] : []),
        `with base as (select * from {{ref '${first}'}})`,
        ...rest.map((r, k) => `, other_${k} as (select id, amount_cents from {{ref '${r}'}})`),
        'select',
        '  base.id,',
        '  base.customer_id,',
        '  base.status,',
        `  base.amount_cents${rest.map((_, k) => ` + coalesce(other_${k}.amount_cents, 0)`).join('')} as amount_cents,`,
        `  {{safe_divide 'base.amount_cents' '${rest.length ? 'other_0.amount_cents' : 'base.amount_cents'}'}} as ratio,`,
        '  base.booked_on',
        'from base',
        ...rest.map((_, k) => `left join other_${k} using (id)`),
        '',
      ].join('\n'),
      ...(isEphemeral ? {} : { yaml: columnsYaml(name, 'Revenue lines enriched from several staged feeds', false) }),
    });
    intermediate.push(name);
  }

  const marts: string[] = [];
  const materialIntermediate = intermediate.filter((n) => !ephemeral.has(n));
  for (let i = 0; i < nMarts; i++) {
    const name = `fct_revenue_${i}`;
    const refs = [...new Set(Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(intermediate)))];
    const incremental = i % 4 === 3;
    const parent = pick(materialIntermediate.length ? materialIntermediate : staging);
    layer.push({
      name,
      folder: `marts/group_${Math.floor(i / 40)}`,
      sql: [
        ...(incremental ? ["{{config materialized='incremental' unique_key='id'}}"] : []),
        'select u.id, u.customer_id, u.status, sum(u.amount_cents) as amount_cents, max(u.booked_on) as booked_on, p.ssp',
        'from (',
        refs.map((r) => `  select id, customer_id, status, amount_cents, booked_on from {{ref '${r}'}}`).join('\n  union all\n'),
        ') u',
        "cross join (select max(ssp) as ssp from {{ref 'products'}}) p",
        ...(incremental ? ['{{#if (is_incremental)}}where u.booked_on >= (select max(booked_on) from {{this}}){{/if}}'] : []),
        'group by all',
        '',
      ].join('\n'),
      yaml: columnsYaml(name, 'Recognised revenue per order', false, ephemeral.has(parent) ? undefined : parent),
    });
    marts.push(name);
  }

  for (let i = 0; i < nExports; i++) {
    const name = `exp_revenue_${i}`;
    layer.push({
      name,
      folder: `exports/group_${Math.floor(i / 40)}`,
      sql: `select id, amount_cents, booked_on from {{ref '${pick(marts)}'}} where amount_cents <> 0\n`,
    });
  }

  const yamlByFolder = new Map<string, string[]>();
  for (const model of layer) {
    files[`models/${model.folder}/${model.name}.sql`] = model.sql;
    if (model.yaml) {
      const list = yamlByFolder.get(model.folder) ?? [];
      list.push(model.yaml);
      yamlByFolder.set(model.folder, list);
    }
  }
  for (const [folder, entries] of yamlByFolder) files[`models/${folder}/schema.yml`] = `models:\n${entries.join('')}`;
  return files;
}

function columnsYaml(name: string, description: string, withStatus: boolean, parent?: string): string {
  return [
    `  - name: ${name}`,
    `    description: ${description}`,
    '    columns:',
    '      - name: id',
    '        description: Order id',
    '        tests: [not_null, unique]',
    '      - name: customer_id',
    ...(parent ? ['        tests:', `          - relationships: {to: ref('${parent}'), field: customer_id, severity: warn}`] : []),
    ...(withStatus ? ['      - name: status', '        tests:', '          - accepted_values: {values: [open, shipped, cancelled]}'] : []),
    '      - name: amount_cents',
    '        description: Amount in minor units',
    '    tests:',
    "      - expression: {expression: 'amount_cents is not null or id is null'}",
    '',
  ].join('\n');
}

/** Writes a generated project into a fresh temp folder and returns the folder. */
export async function writeGeneratedProject(files: GeneratedProject, prefix = 'revrec-bench-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await Promise.all(
    Object.entries(files).map(async ([path, content]) => {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }),
  );
  return dir;
}
