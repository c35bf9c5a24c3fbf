import type { ColumnDef, DataTestSpec, ModelConfig, Severity } from '../project/types.js';

export const MANIFEST_SCHEMA_VERSION = 'revrec/manifest/v1';

export type NodeKind = 'model' | 'seed' | 'test' | 'source';

interface NodeBase {
  readonly id: string;
  readonly kind: NodeKind;
  readonly name: string;
  /** Project-relative file path that defines the node. */
  readonly path: string;
  /** `[project, ...folders, name]`, as dbt's fqn; used by the default selector. */
  readonly fqn: readonly string[];
  readonly tags: readonly string[];
  readonly description: string;
  /** Ids of the nodes this one reads. */
  readonly dependsOn: readonly string[];
}

export interface ModelNode extends NodeBase {
  readonly kind: 'model';
  readonly schema: string;
  /** Name of the relation in the warehouse (alias or name). */
  readonly identifier: string;
  readonly relation: string;
  readonly config: ModelConfig;
  readonly columns: readonly ColumnDef[];
  /** SQL for a full build (is_incremental() false). */
  readonly compiledSql: string;
  /** Incremental models: SQL with is_incremental() true. */
  readonly incrementalSql?: string;
  /** sha256 of the raw SQL, for state comparison. */
  readonly checksum: string;
}

export interface SeedNode extends NodeBase {
  readonly kind: 'seed';
  readonly schema: string;
  readonly identifier: string;
  readonly relation: string;
  readonly columnTypes: Readonly<Record<string, string>>;
  readonly delimiter: string;
  readonly columns: readonly ColumnDef[];
  readonly checksum: string;
}

export interface SourceNode extends NodeBase {
  readonly kind: 'source';
  readonly sourceName: string;
  readonly tableName: string;
  readonly schema: string;
  readonly identifier: string;
  readonly relation: string;
  readonly columns: readonly ColumnDef[];
}

export interface TestNode extends NodeBase {
  readonly kind: 'test';
  readonly testType: 'generic' | 'singular';
  /** Generic tests: what was declared (kind, column, args). */
  readonly spec?: DataTestSpec;
  /** The node a generic test is attached to. */
  readonly attachedTo?: string;
  readonly severity: Severity;
  /** Query returning the failing rows. */
  readonly compiledSql: string;
}

export type GraphNode = ModelNode | SeedNode | SourceNode | TestNode;

/** What compile hands to plan and run: plain data, written to `target/manifest.json`. */
export interface CompiledGraph {
  readonly schemaVersion: typeof MANIFEST_SCHEMA_VERSION;
  readonly projectName: string;
  readonly nodes: Readonly<Record<string, GraphNode>>;
  /** Node ids in a stable topological order (dependencies first, ties by id). */
  readonly order: readonly string[];
  /** Reverse edges: id → ids that depend on it. */
  readonly children: Readonly<Record<string, readonly string[]>>;
  readonly vars: Readonly<Record<string, unknown>>;
}
