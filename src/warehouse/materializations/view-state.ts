import { createHash } from 'node:crypto';
import type { ModelNode } from '../../compile/graph-types.js';
import { REVREC_VERSION } from '../../version.js';
import { addStateTableDdl } from '../state-tables.js';
import type { Warehouse } from '../warehouse.js';

/**
 * A view is created again only when something it is made of changed. Recreating the project's sixteen views took
 * about 0.13 s of every daily build (binding each query, writing the catalog and the comments), for views that had
 * not changed since the day before.
 *
 * What a view is made of: its compiled SQL and documentation, and the columns of what it reads. Those columns follow
 * from the project (models, macros, seeds, vars: the state hash the models see as `revrec_state_hash`), the source
 * definitions and the engine that lands them (its version). A view whose fingerprint of all that is unchanged reads
 * the same columns, so DuckDB binds it as before.
 */
addStateTableDdl(
  `CREATE TABLE IF NOT EXISTS meta.view_state (relation VARCHAR PRIMARY KEY, fingerprint VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)`,
  `COMMENT ON TABLE meta.view_state IS 'One row per view the build created: the fingerprint of what it was made of (compiled SQL, descriptions, project state, sources, revrec version). A build creates a view again only when its fingerprint changed.'`,
);

/** What every view of a build shares: the project's state hash, the source definitions and the revrec version. */
export function viewFingerprintBase(stateHash: string, sources: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify([REVREC_VERSION, stateHash, sources])).digest('hex');
}

export function viewFingerprint(base: string, node: ModelNode): string {
  return createHash('sha256').update(JSON.stringify([base, node.compiledSql, node.description, node.columns])).digest('hex');
}

/**
 * True when the view is the one the build that recorded `fingerprint` created. A view replaced by hand (`CREATE OR
 * REPLACE VIEW`) has lost the description that build wrote as its comment, so a documented view is put back; an
 * undocumented one is put back when its model or the project changes, or by `--full-refresh`. (DuckDB's own text of
 * a view cannot tell: it writes a view's SQL differently once the file is opened again, CROSS JOIN as a comma.)
 */
export async function viewUnchanged(wh: Warehouse, node: ModelNode, fingerprint: string): Promise<boolean> {
  const same = await wh.scalar<boolean>(
    `SELECT s.fingerprint = $3 AND v.comment IS NOT DISTINCT FROM $5 FROM meta.view_state AS s
     JOIN duckdb_views() AS v ON v.database_name = current_database() AND v.schema_name = $1 AND v.view_name = $2
     WHERE s.relation = $4`,
    [node.schema, node.identifier, fingerprint, node.relation, node.description || null],
  );
  return same === true;
}

/** Records the fingerprint of a view just created, in the transaction that created it. */
export async function storeViewFingerprint(wh: Warehouse, node: ModelNode, fingerprint: string): Promise<void> {
  await wh.run('INSERT OR REPLACE INTO meta.view_state VALUES ($1, $2, now())', [node.relation, fingerprint]);
}
