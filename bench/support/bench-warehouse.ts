import type { Reporter } from '../../src/reporter/reporter.js';
import { runExtract } from '../../src/extract/extract-service.js';
import type { BuildOutcome } from '../../src/run/invocation.js';
import { ensureStateTables } from '../../src/warehouse/state-tables.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';

/** Lands every file of a local inbox folder into an open warehouse, as `revrec extract` of a local source does. */
export async function landInbox(wh: Warehouse, inbox: string, reporter: Reporter): Promise<void> {
  await ensureStateTables(wh);
  await runExtract(wh, { sections: { extract: [{ name: 'bench', kind: 'local', folder: inbox }] }, reporter, clock: () => new Date() });
}

/** A benchmark measures a build that succeeded: throws with every failed model or test otherwise. */
export function assertBuilt(build: BuildOutcome): void {
  const failed = build.result?.results.filter((r) => r.status === 'error' || r.status === 'fail') ?? [];
  if (failed.length) throw new Error(`build failed: ${failed.map((f) => `${f.unique_id}: ${f.message}`).join('\n')}`);
}
