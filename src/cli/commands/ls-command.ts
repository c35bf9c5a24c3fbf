import { Option } from 'commander';
import type { Command } from 'commander';
import { selectNodes } from '../../compile/selection.js';
import type { GraphNode } from '../../compile/graph-types.js';
import { EXIT_CODES } from '../../errors.js';
import { compileRequest } from '../../run/invocation.js';
import type { CommandRunner } from '../command-runner.js';
import { addGlobalOptions, collect, readGlobalOptions } from '../global-options.js';

/** `revrec ls`: list nodes matching a selection (dbt's `ls`), as names, ids, paths or JSON. */
export function registerLsCommand(program: Command, runner: CommandRunner): void {
  addGlobalOptions(
    program
      .command('ls')
      .alias('list')
      .description('list the nodes a selection matches')
      .option('-s, --select <selector...>', 'node selection (dbt grammar): space-separated terms or repeated flags, a union', collect)
      .option('--exclude <selector...>', 'nodes to leave out (same grammar); space-separated or repeated', collect)
      .addOption(new Option('--resource-type <type>', 'only this kind').choices(['model', 'seed', 'test', 'source']))
      .addOption(new Option('--output <format>', 'what to print per node').choices(['name', 'id', 'path', 'json', 'selector']).default('selector')),
  ).action((opts: Record<string, unknown>) =>
    runner(readGlobalOptions(opts), async (global, reporter) => {
      const { graph } = await compileRequest({ projectDir: global.projectDir, ...(global.vars ? { vars: global.vars } : {}) });
      const kinds: GraphNode['kind'][] = opts.resourceType ? [opts.resourceType as GraphNode['kind']] : ['model', 'seed', 'test', 'source'];
      const ids = selectNodes(graph, {
        ...(opts.select ? { select: opts.select as string[] } : {}),
        ...(opts.exclude ? { exclude: opts.exclude as string[] } : {}),
        kinds,
      });
      for (const id of ids) {
        const node = graph.nodes[id]!;
        switch (opts.output) {
          case 'name':
            reporter.result(node.name, { unique_id: id });
            break;
          case 'id':
            reporter.result(id, { unique_id: id });
            break;
          case 'path':
            reporter.result(node.path, { unique_id: id, path: node.path });
            break;
          case 'json': {
            const entry = { unique_id: id, name: node.name, resource_type: node.kind, path: node.path, tags: node.tags, depends_on: node.dependsOn, ...(node.kind === 'model' ? { materialized: node.config.materialized, relation: node.relation } : {}) };
            reporter.result(JSON.stringify(entry), entry);
            break;
          }
          default:
            reporter.result(node.fqn.join('.'), { unique_id: id });
        }
      }
      return EXIT_CODES.ok;
    }),
  );
}
