import { rm } from 'node:fs/promises';
import { compileProject } from '../src/compile/compiler.js';
import { loadProject } from '../src/project/load-project.js';
import { intFlag, parseFlags } from './support/bench-args.js';
import { printFigures, say } from './support/bench-output.js';
import { bestOf, ms, peakRssMb } from './support/bench-timing.js';
import { generateLayeredProject, writeGeneratedProject } from './support/project-generator.js';

/**
 * `npm run bench -- compile --models 1000 [--runs 5]`: generates a layered project (staging → intermediate → marts →
 * exports, sources, seeds, macros, YAML columns with tests) and times load + render + DAG in-process
 * (`loadProject` + `compileProject`), best of `--runs` after one warm-up. Target: < 1 s for 1,000 models.
 */
export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  const models = intFlag(flags, 'models', 1000);
  const runs = intFlag(flags, 'runs', 5);
  const dir = await writeGeneratedProject(generateLayeredProject(models));
  try {
    const env = { REVREC_BENCH_WAREHOUSE: 'warehouse.duckdb' };
    let counts: Record<string, number> = {};
    let loadBest = Infinity;
    let compileBest = Infinity;
    const total = await bestOf(
      runs,
      async () => {
        const t0 = performance.now();
        const project = await loadProject(dir, env);
        const t1 = performance.now();
        const graph = compileProject(project);
        const t2 = performance.now();
        loadBest = Math.min(loadBest, t1 - t0);
        compileBest = Math.min(compileBest, t2 - t1);
        counts = {};
        for (const node of Object.values(graph.nodes)) counts[node.kind] = (counts[node.kind] ?? 0) + 1;
      },
      1,
    );
    say(`project: ${dir}`);
    say(`nodes: ${counts.model ?? 0} models, ${counts.test ?? 0} tests, ${counts.source ?? 0} sources, ${counts.seed ?? 0} seeds`);
    say(`load + compile, best of ${runs}: ${total.best} ms (median ${total.median} ms; best load ${ms(loadBest)} ms, best compile ${ms(compileBest)} ms)`);
    say(`target < 1000 ms: ${total.best < 1000 ? 'met' : 'MISSED'}`);
    printFigures('compile', {
      models,
      nodes: counts,
      runs,
      best_ms: total.best,
      median_ms: total.median,
      all_ms: total.all,
      load_best_ms: ms(loadBest),
      compile_best_ms: ms(compileBest),
      models_per_s: Math.round((models / total.best) * 1000),
      peak_rss_mb: peakRssMb(),
      target_ms: 1000,
      ratio_to_target: ms(total.best / 1000),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
