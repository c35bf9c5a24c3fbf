import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureProject } from '../../support/fixture-project.js';
import type { FixtureProject } from '../../support/fixture-project.js';
import { assertCliBuilt, runCli } from '../cli/cli-harness.js';

/**
 * `revrec docs generate` must never write a credential. The S3 secret comes from the environment through
 * `sources/*.yml` (as in production), under a variable name that does not look secret (so only the settings walk
 * can catch it), and is also pushed, on purpose, into a model description and into compiled SQL through a var.
 */
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYzq9Xm2Lk4';
const ACCESS_KEY_ID = 'AKIAREVRECDOCSTEST01';

let fixture: FixtureProject | undefined;
beforeAll(assertCliBuilt);
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('docs and credentials', () => {
  it('writes no secret anywhere, even one that reached a description or compiled SQL', async () => {
    fixture = await createFixtureProject({
      'pipeline.yml': `
        name: fixture
        warehouse:
          path: warehouse.duckdb
          threads: 1
        vars:
          landing_key: \${REVREC_TEST_S3_VALUE}
      `,
      'sources/landing.yml': `
        sources:
          - name: landing
            schema: raw
            description: Files landed from the bucket
            tables:
              - name: orders
                description: Orders as landed.
        extract:
          - name: bucket
            kind: s3
            bucket: revrec-landing
            region: eu-west-1
            access_key_id: \${REVREC_TEST_S3_ID}
            secret_access_key: \${REVREC_TEST_S3_VALUE}
      `,
      'models/staging/stg_orders.sql': `select 1 as id, '{{var "landing_key"}}' as copied_key`,
      'models/staging/_staging.yml': `
        models:
          - name: stg_orders
            description: Orders, fetched with key \${REVREC_TEST_S3_VALUE}
            columns:
              - name: id
                description: Order id
                tests: [not_null, unique]
      `,
    });
    const env = { REVREC_TEST_S3_VALUE: SECRET, REVREC_TEST_S3_ID: ACCESS_KEY_ID };
    const result = await runCli(['docs', 'generate', '--project-dir', fixture.dir, '--log-format', 'json'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(SECRET);

    const html = await readFile(fixture.path('target/docs/index.html'), 'utf8');
    expect(html).toContain('stg_orders');
    expect(html).toContain('not_null');
    expect(html).toContain('Orders, fetched with key ***');
    expect(html).toContain("'***' as copied_key");
    expect(html).not.toContain('secret_access_key');
    expect(html).not.toContain('revrec-landing');
    for (const file of await filesUnder(fixture.dir)) {
      const text = await readFile(file, 'latin1');
      expect(text.includes(SECRET), `${file} holds the secret`).toBe(false);
    }
  });
});
