/**
 * The data the docs site is drawn from: a read-only, serializable digest of the compiled graph plus what the
 * warehouse knows (column types) and what the SQL says (column lineage). Embedded as JSON in `index.html`, so the
 * page needs no server; built from an allow-list of fields, so nothing else of the project (extract settings,
 * credentials, vars) can reach the page.
 */
export const DOCS_SCHEMA_VERSION = 'revrec/docs/v1';

export type DocsNodeKind = 'model' | 'seed' | 'source' | 'test';

/** One upstream column a column is computed from. `node` is absent for a relation outside the project. */
export interface ColumnSource {
  readonly node?: string;
  readonly relation: string;
  readonly column: string;
}

/**
 * How a column relates to its sources: `copy` (a bare column reference, through any number of CTEs and
 * subqueries), `derived` (an expression over them), `unknown` (the SQL could not be followed, see the node's
 * `lineageNote`).
 */
export type ColumnTransform = 'copy' | 'derived' | 'unknown';

export interface DocsTestRef {
  readonly id: string;
  /** `not_null`, `unique`, …, or `singular`. */
  readonly kind: string;
  /** Human text: `accepted_values: INV, IVC`. */
  readonly label: string;
  readonly severity: 'error' | 'warn';
}

export interface DocsColumn {
  readonly name: string;
  /** DuckDB type from the warehouse (or declared), when known. */
  readonly type?: string;
  readonly description: string;
  readonly tests: readonly DocsTestRef[];
  /** Models: where the value comes from (column-level lineage). */
  readonly sources?: readonly ColumnSource[];
  readonly transform?: ColumnTransform;
  /** Columns of downstream models computed from this one. */
  readonly usedBy?: readonly ColumnSource[];
}

export interface DocsNode {
  readonly id: string;
  readonly kind: DocsNodeKind;
  readonly name: string;
  readonly description: string;
  /** Project-relative file that defines the node. */
  readonly path: string;
  readonly tags: readonly string[];
  /** `"schema"."name"` for models, seeds and sources. */
  readonly relation?: string;
  /** A small, display-only view of the node's settings (materialization, schema, keys, severity, …). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly dependsOn: readonly string[];
  readonly children: readonly string[];
  readonly columns: readonly DocsColumn[];
  /** Tests attached to the node (column tests too). */
  readonly tests: readonly DocsTestRef[];
  /** Models and tests: the SQL that runs. */
  readonly compiledSql?: string;
  /** Models: the SQL as written, before Handlebars. */
  readonly rawSql?: string;
  /** Tests: the node the test checks. */
  readonly attachedTo?: string;
  /** Why column lineage is partial or missing for this model. */
  readonly lineageNote?: string;
}

export interface DocsManifest {
  readonly schemaVersion: typeof DOCS_SCHEMA_VERSION;
  readonly projectName: string;
  readonly generatedAt: string;
  readonly revrecVersion: string;
  /** Where column types came from: `published` copy, `warehouse`, or `none` (never built, or locked by a run). */
  readonly catalog: { readonly origin: 'published' | 'warehouse' | 'none'; readonly note: string };
  readonly lineage: { readonly method: string; readonly models: number; readonly complete: number; readonly partial: number; readonly failed: number };
  readonly nodes: Readonly<Record<string, DocsNode>>;
  /** Node ids in topological order. */
  readonly order: readonly string[];
}
