import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CompiledGraph } from '../compile/graph-types.js';
import { FILE_CONCURRENCY, mapLimit } from '../project/files.js';
import { redact, redactDeep } from '../reporter/redaction.js';
import type { RunResult } from './run-types.js';

/**
 * Artifacts with a schema version, dbt-style: `manifest.json` (the compiled graph) and `run_results.json`. Each file
 * is written to a temporary name and renamed, so a reader never sees half a file.
 */
export async function writeJsonArtifact(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(redactDeep(value), null, 2)}\n`);
  await rename(temp, path);
}

export async function writeManifest(targetDir: string, graph: CompiledGraph, invocationId: string, generatedAt: Date): Promise<void> {
  await writeJsonArtifact(join(targetDir, 'manifest.json'), {
    metadata: { schema_version: graph.schemaVersion, project_name: graph.projectName, invocation_id: invocationId, generated_at: generatedAt.toISOString() },
    vars: graph.vars,
    order: graph.order,
    nodes: graph.nodes,
    child_map: graph.children,
  });
}

export async function writeRunResults(targetDir: string, result: RunResult): Promise<void> {
  await writeJsonArtifact(join(targetDir, 'run_results.json'), result);
}

/** Writes each model's and test's compiled SQL under `target/compiled/<path>`, as dbt does. */
export async function writeCompiledSql(targetDir: string, graph: CompiledGraph): Promise<void> {
  await mapLimit(Object.values(graph.nodes), FILE_CONCURRENCY, async (node) => {
    if (node.kind !== 'model' && node.kind !== 'test') return;
    const file = node.kind === 'test' && node.testType === 'generic' ? `data-tests/generic/${node.name}.sql` : node.path;
    const path = join(targetDir, 'compiled', file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${redact(node.compiledSql)}\n`);
  });
}
