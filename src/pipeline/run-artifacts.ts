import { copyFile, mkdir, rename, symlink, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonArtifact } from '../run/artifacts.js';

/**
 * Each pipeline run keeps its artifacts in `target/runs/<invocation_id>/` (manifest, run results, the pipeline
 * summary), and `target/runs/latest` points at the newest, so two runs never overwrite each other's files.
 */
export async function keepRunArtifacts(targetDir: string, invocationId: string, summary: unknown): Promise<string> {
  const runDir = join(targetDir, 'runs', invocationId);
  await mkdir(runDir, { recursive: true });
  for (const name of ['manifest.json', 'run_results.json']) {
    const file = join(targetDir, name);
    if (existsSync(file)) await copyFile(file, join(runDir, name));
  }
  await writeJsonArtifact(join(runDir, 'pipeline.json'), summary);
  const latest = join(targetDir, 'runs', 'latest');
  const temp = `${latest}.${process.pid}.tmp`;
  await rm(temp, { force: true });
  await symlink(invocationId, temp);
  await rename(temp, latest);
  return runDir;
}
