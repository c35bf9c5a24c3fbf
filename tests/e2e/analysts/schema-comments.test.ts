import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../../src/warehouse/warehouse.js';
import { createDemoProject } from '../browser/demo-project.js';
import type { DemoProject } from '../browser/demo-project.js';
import { assertCliBuilt } from '../cli/cli-harness.js';

/**
 * Analysts browse the published copy in a SQL client, which shows `COMMENT ON` text beside each table: after a build
 * of the real project (its models, seeds, sources and engine state tables), every table and view of every schema
 * must carry one. A model without a description in its YAML fails here, by name.
 */
let demo: DemoProject | undefined;
beforeAll(async () => {
  await assertCliBuilt();
  demo = await createDemoProject({ contracts: 5, closes: 0 });
  await demo.cli(['pipeline', '--steps', 'publish']);
}, 300_000);
afterAll(async () => {
  await demo?.cleanup();
});

describe('friendly schema comments', () => {
  it('every table and view in the published copy has a description', async () => {
    const wh = await Warehouse.open({ path: demo!.env.REVREC_PUBLISH_PATH!, threads: 1 }, { readOnly: true });
    try {
      const relations = await wh.rows<{ schema_name: string; name: string; kind: string; comment: string | null }>(
        `SELECT schema_name, table_name AS name, 'table' AS kind, comment FROM duckdb_tables() WHERE database_name = current_database()
         UNION ALL
         SELECT schema_name, view_name, 'view', comment FROM duckdb_views() WHERE database_name = current_database() AND NOT internal
         ORDER BY 1, 2`,
      );
      const schemas = new Set(relations.map((r) => r.schema_name));
      for (const schema of ['raw', 'meta', 'seeds', 'staging', 'intermediate', 'marts', 'exports', 'stage']) expect(schemas).toContain(schema);
      const missing = relations.filter((r) => !r.comment?.trim()).map((r) => `${r.kind} ${r.schema_name}.${r.name}`);
      expect(missing).toEqual([]);
    } finally {
      wh.close();
    }
  });
});
