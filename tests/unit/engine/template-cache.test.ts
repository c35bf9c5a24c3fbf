import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileProject } from '../../../src/compile/compiler.js';
import { TEMPLATE_CACHE_FILE } from '../../../src/compile/template-spec-cache.js';
import { CompileError } from '../../../src/errors.js';
import { loadProject } from '../../../src/project/load-project.js';
import { createFixtureProject } from '../../support/fixture-project.js';
import type { FixtureProject } from '../../support/fixture-project.js';

const FILES = {
  'macros/cents.hbs': '{{!-- params: col --}}cast(round({{col}} * 100) as bigint)',
  'models/base.sql': 'select 1 as id, 2.5 as amount',
  'models/final.sql': "select id, {{cents 'amount'}} as amount_minor from {{ref 'base'}}",
};

let fixture: FixtureProject | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

async function compiled(options: { templateCache?: boolean } = {}) {
  return compileProject(await loadProject(fixture!.dir, {}), options);
}

function cacheFile(): { handlebars: string; templates: Record<string, string> } {
  return JSON.parse(readFileSync(fixture!.path('target', TEMPLATE_CACHE_FILE), 'utf8'));
}

describe('the compiled-template cache in target/', () => {
  it('is written into an existing target folder, read by the next compile, and gives the same SQL', async () => {
    fixture = await createFixtureProject(FILES);
    const first = await compiled();
    expect(existsSync(fixture.path('target', TEMPLATE_CACHE_FILE))).toBe(false); // compiling alone creates no folder
    mkdirSync(fixture.path('target'));
    await compiled();
    const cache = cacheFile();
    expect(cache.handlebars).toBe(Handlebars.VERSION);
    expect(Object.keys(cache.templates)).toHaveLength(3); // two models and the macro
    const again = await compiled();
    expect(again.nodes).toEqual(first.nodes);
  });

  it('keeps only the templates of the last compile: an edited model replaces its entry', async () => {
    fixture = await createFixtureProject({ ...FILES, 'target/.keep': '' });
    await compiled();
    const before = Object.keys(cacheFile().templates);
    await fixture.write({ 'models/final.sql': "select id, {{cents 'amount'}} * 2 as amount_minor from {{ref 'base'}}" });
    const graph = await compiled();
    const after = Object.keys(cacheFile().templates);
    expect(after).toHaveLength(3);
    expect(after.filter((k) => !before.includes(k))).toHaveLength(1);
    const final = Object.values(graph.nodes).find((n) => n.name === 'final');
    expect(final?.kind === 'model' && final.compiledSql).toContain('* 100) as bigint) * 2 as amount_minor');
  });

  it('ignores a damaged file or one written by another Handlebars version, and rewrites it', async () => {
    fixture = await createFixtureProject({ ...FILES, 'target/.keep': '' });
    const expected = (await compiled({ templateCache: false })).nodes;
    writeFileSync(fixture.path('target', TEMPLATE_CACHE_FILE), '{"handlebars": "4.7.10", "templ');
    expect((await compiled()).nodes).toEqual(expected);
    expect(Object.keys(cacheFile().templates)).toHaveLength(3);

    const stale = cacheFile();
    const broken = Object.fromEntries(Object.keys(stale.templates).map((k) => [k, '{"main": function() { return "stale"; }}']));
    writeFileSync(fixture.path('target', TEMPLATE_CACHE_FILE), JSON.stringify({ handlebars: '0.0.1', templates: broken }));
    expect((await compiled()).nodes).toEqual(expected);
    expect(cacheFile().handlebars).toBe(Handlebars.VERSION);
  });

  it('compiles a template once per process, with or without the file', async () => {
    const marker = `-- ${Math.random()}`; // text no other test compiled in this process
    fixture = await createFixtureProject({ ...FILES, 'models/once.sql': `select 1 as x ${marker}` });
    const precompile = vi.spyOn(Handlebars, 'precompile');
    try {
      await compiled({ templateCache: false });
      expect(precompile.mock.calls.filter(([text]) => String(text).includes(marker))).toHaveLength(1);
      await compiled({ templateCache: false });
      await compiled();
      expect(precompile.mock.calls.filter(([text]) => String(text).includes(marker))).toHaveLength(1);
    } finally {
      precompile.mockRestore();
    }
  });

  it('renders a macro called as a partial unescaped, compiled now and from the file', async () => {
    fixture = await createFixtureProject({
      'target/.keep': '',
      'macros/quoted.hbs': "where name = {{literal x}} and y <> '{{x}}'",
      'models/q.sql': `select 1 {{> quoted x="O'Brien & <co>"}}`,
    });
    const expected = "select 1 where name = 'O''Brien & <co>' and y <> 'O'Brien & <co>'";
    for (let i = 0; i < 2; i++) {
      const q = Object.values((await compiled()).nodes).find((n) => n.name === 'q');
      expect(q?.kind === 'model' && q.compiledSql).toBe(expected);
    }
    // the model only: a macro called only as a partial is compiled by Handlebars itself, at its first call
    expect(Object.keys(cacheFile().templates)).toHaveLength(1);
  });

  it('with templateCache false writes nothing', async () => {
    fixture = await createFixtureProject({ ...FILES, 'target/.keep': '' });
    await compiled({ templateCache: false });
    expect(existsSync(fixture.path('target', TEMPLATE_CACHE_FILE))).toBe(false);
  });

  it('still reports a template that does not parse against its file and line, and caches nothing for it', async () => {
    fixture = await createFixtureProject({ ...FILES, 'target/.keep': '', 'models/broken.sql': 'select 1\n{{#if x}}\nunclosed' });
    const error = await compiled().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CompileError);
    expect((error as CompileError).errors.map((e) => `${e.location.file}:${e.location.line}`)).toEqual(['models/broken.sql:3']);
    expect(existsSync(fixture.path('target', TEMPLATE_CACHE_FILE))).toBe(false); // a failed compile saves nothing
  });
});
