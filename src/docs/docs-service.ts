import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { redactDeep } from '../reporter/redaction.js';
import { writeManifest } from '../run/artifacts.js';
import { compileRequest } from '../run/invocation.js';
import { computeColumnLineage } from './column-lineage.js';
import type { ModelLineage } from './column-lineage.js';
import { buildDocsManifest } from './docs-manifest.js';
import { renderDocsPage } from './docs-page.js';
import { registerProjectSecrets, scrubSecrets } from './docs-secrets.js';
import type { DocsManifest, DocsNodeKind } from './docs-types.js';
import { SqlParser } from './sql-parser.js';
import { readWarehouseCatalog } from './warehouse-catalog.js';

export interface DocsRequest {
  readonly projectDir: string;
  /** Output folder; default `<project>/<target_path>/docs`. Relative paths are taken from the working directory. */
  readonly outDir?: string;
  readonly vars?: Readonly<Record<string, unknown>>;
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: () => Date;
}

export interface DocsOutcome {
  readonly indexPath: string;
  readonly bytes: number;
  readonly counts: Readonly<Record<DocsNodeKind, number>>;
  readonly catalog: DocsManifest['catalog'];
  readonly lineage: DocsManifest['lineage'];
}

/**
 * `revrec docs generate`: compile (writing `target/manifest.json`, as every compile does), read
 * column types from the warehouse when there is one, trace column lineage, and write one self-contained
 * `index.html`. Never writes to the warehouse and takes no lock.
 */
export async function generateDocs(request: DocsRequest): Promise<DocsOutcome> {
  const env = request.env ?? process.env;
  const now = (request.clock ?? (() => new Date()))();
  const { project, graph } = await compileRequest({ projectDir: request.projectDir, env, ...(request.vars ? { vars: request.vars } : {}) });
  registerProjectSecrets(project, env);
  const targetDir = resolve(project.root, project.settings.targetPath);
  // The manifest goes through the artifact redaction; compiled SQL files do not, so they are left to `revrec compile`.
  await writeManifest(targetDir, graph, randomUUID(), now);

  const catalog = await readWarehouseCatalog(project.settings.warehouse, project.root);
  const parser = await SqlParser.open();
  let lineage: Map<string, ModelLineage>;
  try {
    lineage = await computeColumnLineage(graph, catalog.relations, parser);
  } finally {
    parser.close();
  }
  const manifest = redactDeep(buildDocsManifest({ project, graph, catalog, lineage, generatedAt: now }));
  const html = scrubSecrets(renderDocsPage(manifest));

  const outDir = request.outDir ? resolve(request.outDir) : join(targetDir, 'docs');
  await mkdir(outDir, { recursive: true });
  const indexPath = join(outDir, 'index.html');
  const temp = `${indexPath}.${process.pid}.tmp`;
  try {
    await writeFile(temp, html);
    await rename(temp, indexPath);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const counts = { model: 0, seed: 0, source: 0, test: 0 };
  for (const node of Object.values(manifest.nodes)) counts[node.kind]++;
  return { indexPath, bytes: Buffer.byteLength(html), counts, catalog: manifest.catalog, lineage: manifest.lineage };
}
