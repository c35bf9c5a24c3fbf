import type { Warehouse } from '../warehouse/warehouse.js';
import { prepareReconciliations, reconcile } from './close-checks.js';
import type { CloseCheck } from './close-checks.js';

/** The close checks' reconciliation queries, started before the command knows whether it will use them. */
export interface EarlyReconciliations {
  /** Their checks (as `runReconciliations` returns them), or their error; their connections are closed. */
  take(): Promise<CloseCheck[]>;
  /** Stops them, waits until they have stopped and closes their connections. Safe to call again, or after take. */
  discard(): Promise<void>;
}

type Settled = { ok: true; checks: CloseCheck[] } | { ok: false; error: unknown };

/**
 * Starts the reconciliations (close-checks.ts) on two connections of their own and returns once their queries are
 * sent. A close or check uses them when the warehouse holds a complete build of everything landed, as after
 * `revrec pipeline`, which it learns only after compiling the project and asking `int_build_scope`
 * (build-freshness.ts): loading and compiling the project and the freshness query, 0.1–0.15 s at 1M lines that used
 * to come before the 0.45–0.6 s of the reconciliations and now run beside them. The queries only read the marts. When a build turns
 * out to be needed, `discard` interrupts them before it writes anything, and the checks run again on what it built.
 */
export async function startReconciliations(wh: Warehouse): Promise<EarlyReconciliations> {
  const prepared = await prepareReconciliations(wh);
  if ('missing' in prepared) return { take: async () => [prepared.missing], discard: async () => {} };
  const sessions = [await wh.session(), await wh.session()] as const;
  const running: Promise<Settled> = reconcile(prepared, ...sessions).then(
    (checks) => ({ ok: true, checks }),
    (error: unknown) => ({ ok: false, error }),
  );
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const session of sessions) session.close();
  };
  return {
    async take() {
      const settled = await running;
      close();
      if (!settled.ok) throw settled.error;
      return settled.checks;
    },
    async discard() {
      if (closed) return;
      // An interrupt stops the statement running now, and the next check would start another: it is repeated until
      // they have all given up (each then fails at once with DuckDB's "Interrupted").
      const interrupt = () => sessions.forEach((session) => session.interrupt());
      interrupt();
      const repeat = setInterval(interrupt, 5);
      try {
        await running;
      } finally {
        clearInterval(repeat);
        close();
      }
    },
  };
}
