import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT_CODES } from '../../errors.js';
import { writeCompiledSql, writeManifest } from '../../run/artifacts.js';
import { compileRequest } from '../../run/invocation.js';
import { randomUUID } from 'node:crypto';
import type { CommandRunner } from '../command-runner.js';
import { addGlobalOptions, collect, readGlobalOptions } from '../global-options.js';
import { selectNodes } from '../../compile/selection.js';

/** `revrec compile`: render every model and test, check the DAG, write `target/manifest.json` and `target/compiled/`. */
export function registerCompileCommand(program: Command, runner: CommandRunner): void {
  addGlobalOptions(
    program
      .command('compile')
      .description('render models and tests to SQL, check refs and the DAG, write target/compiled and target/manifest.json')
      .option('-s, --select <selector...>', 'print the compiled SQL of these nodes', collect),
  ).action((opts: Record<string, unknown>) =>
    runner(readGlobalOptions(opts), async (global, reporter) => {
      const t0 = performance.now();
      const { project, graph } = await compileRequest({ projectDir: global.projectDir, ...(global.vars ? { vars: global.vars } : {}) });
      const targetDir = resolve(project.root, project.settings.targetPath);
      await writeManifest(targetDir, graph, randomUUID(), new Date());
      await writeCompiledSql(targetDir, graph);
      const counts = Object.values(graph.nodes).reduce<Record<string, number>>((acc, n) => ({ ...acc, [n.kind]: (acc[n.kind] ?? 0) + 1 }), {});
      if (opts.select) {
        for (const id of selectNodes(graph, { select: opts.select as string[], kinds: ['model', 'test'] })) {
          const node = graph.nodes[id]!;
          if (node.kind === 'model' || node.kind === 'test') reporter.result(`-- ${id}\n${node.compiledSql}\n`, { unique_id: id, compiled_sql: node.compiledSql });
        }
      }
      reporter.log('info', `Compiled ${counts.model ?? 0} models, ${counts.test ?? 0} tests, ${counts.seed ?? 0} seeds, ${counts.source ?? 0} sources in ${Math.round(performance.now() - t0)} ms; wrote ${targetDir}`, { counts });
      return EXIT_CODES.ok;
    }),
  );
}
