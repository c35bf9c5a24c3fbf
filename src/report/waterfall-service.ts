import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, WarehouseLockedError } from '../errors.js';
import { loadProject } from '../project/load-project.js';
import { Warehouse } from '../warehouse/warehouse.js';
import { renderWaterfallPage } from './waterfall-page.js';
import { readWaterfallData } from './waterfall-query.js';
import { reconcileWaterfall } from './waterfall-reconciliation.js';
import type { WaterfallReport } from './waterfall-types.js';

export interface WaterfallRequest {
  readonly projectDir: string;
  /** YYYYMM: the current period or a closed one. */
  readonly period: number;
  /** Output file; default `<project>/<target_path>/reports/waterfall-<period>.html`. Relative to the working directory. */
  readonly outPath?: string;
  /** Read the warehouse itself (default) or the published read-only copy analysts use. */
  readonly from?: 'warehouse' | 'published';
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: () => Date;
}

export interface WaterfallOutcome {
  readonly path: string;
  readonly report: WaterfallReport;
}

/**
 * `revrec report waterfall`: reads the marts read-only (no lock, no writes), reconciles, writes one static HTML page.
 * Opening the warehouse read-only fails while a run holds it (exit code 3): read the published copy then.
 */
export async function generateWaterfallReport(request: WaterfallRequest): Promise<WaterfallOutcome> {
  const project = await loadProject(request.projectDir, request.env ?? process.env);
  const settings = project.settings.warehouse;
  const from = request.from ?? 'warehouse';
  const dbPath = from === 'published' ? settings.publishPath : settings.path;
  if (!dbPath || dbPath === ':memory:') {
    throw new ConfigError(from === 'published' ? 'warehouse.publish_path is not set' : 'the warehouse is in memory: nothing to report on', { hint: 'set warehouse.path / publish_path in pipeline.yml' });
  }
  const absolute = resolve(project.root, dbPath);
  if (!existsSync(absolute)) {
    throw new ConfigError(`no ${from === 'published' ? 'published copy' : 'warehouse'} at ${absolute}`, { hint: from === 'published' ? 'run revrec pipeline (it publishes after a successful build)' : 'run revrec build first' });
  }
  let wh: Warehouse;
  try {
    wh = await Warehouse.open({ ...settings, path: absolute }, { readOnly: true, root: project.root, command: 'revrec report waterfall' });
  } catch (error) {
    if (!(error instanceof WarehouseLockedError) || from === 'published') throw error;
    throw new WarehouseLockedError(error.message, { hint: 'a run is writing the warehouse: read the published copy instead (--from published), or wait for the run to end', cause: error });
  }
  let report: WaterfallReport;
  try {
    report = reconcileWaterfall(await readWaterfallData(wh, request.period));
  } finally {
    wh.close();
  }
  const html = renderWaterfallPage(report, { projectName: project.settings.name, generatedAt: (request.clock ?? (() => new Date()))(), source: absolute });
  const path = request.outPath ? resolve(request.outPath) : join(resolve(project.root, project.settings.targetPath), 'reports', `waterfall-${request.period}.html`);
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, html);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { path, report };
}
