import { appendFileSync } from 'node:fs';

/**
 * Fault injection for the reliability tests (`tests/reliability/`), and nothing else. Inert unless one of two
 * environment variables is set (read once, at the first fault point reached):
 *
 * - `REVREC_FAULT_AT=<point>:<n>`: the process kills itself with SIGKILL the n-th time it reaches `<point>`, exactly
 *   as `kill -9` from outside would (no `finally`, no exit handler, no flush), so a test can crash a run at a chosen
 *   place instead of a random moment.
 * - `REVREC_FAULT_TRACE=<file>`: appends the name of every point reached to `<file>`, one per line, so a test can
 *   count how often an uninterrupted run reaches each point and pick `n` among them.
 *
 * The points (each one call in `src/`): `extract.landed` (a file's rows and manifest row written, COMMIT not yet
 * sent), `extract.committed`, `build.swap` (a table built under its temporary name, not yet swapped in),
 * `build.node` (a node finished), `close.freezing` (inside the freeze transaction), `close.frozen`,
 * `export.uploaded` (one file delivered to one destination), `export.delivered` (every file delivered, the
 * bookkeeping not yet written), `publish.copied` (the copy written, not yet renamed into place).
 */
export function faultPoint(point: string): void {
  plan ??= readPlan(process.env);
  if (plan.trace) appendFileSync(plan.trace, `${point}\n`);
  if (plan.point !== point) return;
  const hits = (plan.hits += 1);
  if (hits === plan.n) process.kill(process.pid, 'SIGKILL');
}

interface FaultPlan {
  readonly point: string | undefined;
  readonly n: number;
  hits: number;
  readonly trace: string | undefined;
}

let plan: FaultPlan | undefined;

function readPlan(env: NodeJS.ProcessEnv): FaultPlan {
  const at = /^([a-z.-]+):(\d+)$/.exec(env.REVREC_FAULT_AT ?? '');
  return { point: at?.[1], n: at ? Number(at[2]) : 0, hits: 0, trace: env.REVREC_FAULT_TRACE || undefined };
}
