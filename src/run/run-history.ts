import { hostname } from 'node:os';
import { stateDatabase } from '../warehouse/kysely/state-database.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { RunResult } from './run-types.js';
import { countByStatus } from './run-types.js';

/** Records an invocation in `meta.run_history` when it starts (status `running`) and when it ends. */
export async function recordRunStart(wh: Warehouse, invocationId: string, command: string, args: unknown, startedAt: Date): Promise<void> {
  await stateDatabase(wh)
    .insertInto('meta.run_history')
    .values({
      invocation_id: invocationId,
      command,
      args: JSON.stringify(args),
      started_at: startedAt.toISOString(),
      finished_at: null,
      status: 'running',
      nodes_total: null,
      nodes_failed: null,
      nodes_warned: null,
      pid: process.pid,
      host: hostname(),
    })
    .execute();
}

export async function recordRunEnd(wh: Warehouse, invocationId: string, status: string, result: RunResult | undefined, finishedAt: Date): Promise<void> {
  const counts = result ? countByStatus(result) : undefined;
  await stateDatabase(wh)
    .updateTable('meta.run_history')
    .set({
      finished_at: finishedAt.toISOString(),
      status,
      nodes_total: result?.results.length ?? null,
      nodes_failed: counts ? counts.error + counts.fail : null,
      nodes_warned: counts ? counts.warn : null,
    })
    .where('invocation_id', '=', invocationId)
    .execute();
}
