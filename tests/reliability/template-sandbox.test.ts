import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TemplateEngine } from '../../src/compile/template-engine.js';
import { CompileError } from '../../src/errors.js';
import { createFixtureProject } from '../support/fixture-project.js';
import type { FixtureProject } from '../support/fixture-project.js';
import { recordFigures } from './support/figures.js';
import { describeRun, runRevrec } from './support/revrec-process.js';

/**
 * Models and macros are Handlebars templates. Whatever a template tries, it cannot reach JavaScript prototypes,
 * functions or the process: every way to `constructor`, `__proto__` and friends renders nothing (or is a compile
 * error), the classic prototype-chain RCE of Handlebars < 4.6 runs nothing, and hash or parameter names like
 * `__proto__` pollute nothing.
 */

let marker: string;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'revrec-hbs-'));
  marker = join(dir, 'pwned');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pre-4.6 Handlebars RCE: reach Function through `"s".sub.constructor` and call it. */
const rce = (file: string) => `{{#with "s" as |string|}}
  {{#with "e"}}
    {{#with split as |conslist|}}
      {{this.pop}}
      {{this.push (lookup string.sub "constructor")}}
      {{this.pop}}
      {{#with string.split as |codelist|}}
        {{this.pop}}
        {{this.push "return process.mainModule.require('fs').writeFileSync('${file}', 'x');"}}
        {{this.pop}}
        {{#each conslist}}
          {{#with (string.sub.apply 0 codelist)}}
            {{this}}
          {{/with}}
        {{/each}}
      {{/with}}
    {{/with}}
  {{/with}}
{{/with}}`;

const PAYLOADS: Record<string, string> = {
  constructor: '{{constructor}}',
  __proto__: '{{__proto__}}',
  'this.constructor.constructor': '{{this.constructor.constructor}}',
  'lookup this "constructor"': '{{lookup this "constructor"}}',
  'lookup of lookup': '{{lookup (lookup this "constructor") "constructor"}}',
  'lookup __proto__': '{{lookup this "__proto__"}}',
  'with this → constructor.name': '{{#with this}}{{constructor.name}}{{/with}}',
  'each this': '{{#each this}}[{{@key}}={{this}}]{{/each}}',
  '__defineGetter__': '{{__defineGetter__}}{{__lookupGetter__}}{{valueOf}}{{hasOwnProperty}}',
  'string.sub.constructor': '{{#with "s" as |s|}}{{s.sub.constructor}}{{lookup s.sub "constructor"}}{{/with}}',
  'list helper constructor': '{{#with (list 1 2) as |l|}}{{l.constructor}}{{lookup l "constructor"}}{{l.push}}{{/with}}',
  'concat of constructor': '{{concat (lookup this "constructor") "x"}}',
  'var named constructor': '{{var "constructor" "fallback"}}{{var "__proto__" "fallback"}}{{var "toString" "fallback"}}',
  'config __proto__ hash': '{{config __proto__=(lookup this "constructor") constructor="x"}}select 1',
  'RCE chain': rce('MARKER'),
};

function render(template: string, macros: { name: string; template: string; params?: string[] }[] = []): { sql?: string; error?: string } {
  const engine = new TemplateEngine({
    vars: { home_currency: 'USD' },
    macros: macros.map((m) => ({ name: m.name, path: `macros/${m.name}.hbs`, template: m.template, params: m.params ?? [] })),
    refNames: new Set(['orders']),
    sources: new Map([['raw.orders', '"raw"."orders"']]),
  });
  try {
    return { sql: engine.render({ file: 'models/m.sql', template, isIncremental: false, thisRelation: '"main"."m"' }).sql };
  } catch (error) {
    if (error instanceof CompileError) return { error: error.message };
    throw error;
  }
}

/** Rendered text that could only come from reaching into JavaScript. */
const DANGEROUS = /function|native code|\[object|prototype|process|require|Function|=>|class /;

describe('Handlebars cannot reach prototypes', () => {
  it.each(Object.entries(PAYLOADS))('%s renders nothing dangerous (in a model and in a macro)', (_name, payload) => {
    const template = payload.replace('MARKER', marker);
    for (const outcome of [render(template), render('{{evil}}', [{ name: 'evil', template }]), render('{{> evil}}', [{ name: 'evil', template }])]) {
      if (outcome.error !== undefined) expect(outcome.error).toMatch(/compilation error/);
      else expect(outcome.sql!.replace(/\s+/g, ' ').trim()).not.toMatch(DANGEROUS);
    }
    expect(existsSync(marker)).toBe(false);
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });

  it('a macro parameter named __proto__ or constructor pollutes nothing', () => {
    const out = render('{{evil (lookup this "constructor") "x"}}', [{ name: 'evil', template: '{{__proto__}}{{constructor}}|{{lookup this "__proto__"}}', params: ['__proto__', 'constructor'] }]);
    expect(out.sql ?? out.error).not.toMatch(DANGEROUS);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('through the CLI: revrec compile of such a project writes harmless SQL, runs nothing, and keeps its JSON log clean', async () => {
    let fixture: FixtureProject | undefined;
    try {
      fixture = await createFixtureProject({
        'models/m_proto.sql': `select '${Object.values(PAYLOADS).slice(0, 9).join('|')}' as x`,
        'models/m_rce.sql': `select 1 as x -- ${rce(marker).replace(/\n/g, ' ')}`,
        'macros/evil.hbs': '{{constructor}}{{lookup this "constructor"}}',
        'models/m_macro.sql': "select '{{evil}}' as x",
      });
      const run = await runRevrec(['compile', '--project-dir', fixture.dir, '--log-format', 'json']);
      expect(run.code, describeRun(run)).toBe(0);
      for (const line of run.stdout.split('\n').filter(Boolean)) expect(() => JSON.parse(line), line).not.toThrow();
      for (const model of ['m_proto', 'm_rce', 'm_macro']) {
        const sql = await readFile(fixture.path('target', 'compiled', 'models', `${model}.sql`), 'utf8');
        expect(sql.replace(/\s+/g, ' '), model).not.toMatch(DANGEROUS);
      }
      expect(existsSync(marker)).toBe(false);
      await recordFigures('template-sandbox', { trials: Object.keys(PAYLOADS).length * 3 + 2, faults_injected: Object.keys(PAYLOADS).length * 3 + 2, records_lost: 0, records_double_counted: 0 });
    } finally {
      await fixture?.cleanup();
    }
  }, 60_000);
});
