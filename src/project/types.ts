import type { RawModelConfig } from './model-config.js';

/**
 * The read-only Project: everything under a project folder, loaded and validated, before any compilation.
 * Serializable (plain data), so it can be written to `target/manifest.json` and checked in tests without a database.
 */
export type Materialization = 'view' | 'table' | 'incremental' | 'ephemeral';
export type IncrementalStrategy = 'append' | 'merge' | 'delete+insert' | 'replace_where';
export type Severity = 'error' | 'warn';

export interface ColumnDef {
  readonly name: string;
  readonly description: string;
  readonly dataType?: string;
  readonly tests: readonly DataTestSpec[];
}

/** A generic data test attached to a model, seed or source (column-level when `column` is set). */
export interface DataTestSpec {
  /** `not_null`, `unique`, `accepted_values`, `relationships`, `expression` (a boolean SQL expression per row). */
  readonly kind: 'not_null' | 'unique' | 'accepted_values' | 'relationships' | 'expression';
  readonly column?: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly severity: Severity;
  /** Optional explicit name; otherwise derived from kind, model and column. */
  readonly name?: string;
  readonly where?: string;
  readonly file: string;
  readonly line?: number;
}

export interface ModelConfig {
  readonly materialized: Materialization;
  readonly schema: string;
  readonly alias?: string;
  readonly uniqueKey: readonly string[];
  readonly incrementalStrategy: IncrementalStrategy;
  readonly tags: readonly string[];
  readonly enabled: boolean;
  /** Incremental models only: false makes `--full-refresh` leave this model alone (dbt's `full_refresh: false`). */
  readonly fullRefresh?: boolean;
  /**
   * Incremental models only: a query returning one boolean, asked before each incremental build; true rebuilds the
   * table in full (as `--full-refresh` would) instead of running the incremental SQL. For models whose incremental
   * branch would otherwise replace every row anyway (delete + insert of all keys costs more than a rebuild).
   */
  readonly fullRefreshIf?: string;
  /**
   * Incremental strategy `replace_where` only (dbt-databricks' name): a predicate over the table's rows. Each
   * incremental run deletes the rows it matches and inserts the new rows, which must all match it: the model
   * recomputes a whole slice (say, the orders touched by today's files) and the slice is replaced, so rows that no
   * longer exist disappear without tombstones.
   */
  readonly replaceWhere?: string;
  /**
   * Incremental strategy `replace_where` only: rows of the slice that come out the same as before stay where they
   * are; only rows that changed are deleted and inserted. Rows are compared by a 64-bit hash of every column, kept
   * in the column `_row_hash` (ROW_HASH in changed-rows.ts). For models whose daily slice mostly comes out
   * unchanged (documents of an order whose price changed): fewer writes, checkpoints and deleted rows.
   */
  readonly keepUnchangedRows?: boolean;
  /**
   * Table and incremental models: a full build computes the rows into a DuckDB TEMP table first and writes the table
   * from it, instead of one `CREATE TABLE AS` of the model's query. For some queries DuckDB spends less CPU that way
   * (measured per model; `stg_orders` in full builds of 1M lines: 2.1–2.2 s against 2.5–2.6 s), for others more, so it
   * is the model's choice.
   * The TEMP table spills to temp_directory like any other.
   */
  readonly computeInTemp?: boolean;
  readonly preHook: readonly string[];
  readonly postHook: readonly string[];
}

export interface ModelDef {
  readonly kind: 'model';
  readonly name: string;
  /** Path relative to the project root, with forward slashes. */
  readonly path: string;
  readonly rawSql: string;
  readonly description: string;
  readonly columns: readonly ColumnDef[];
  readonly tests: readonly DataTestSpec[];
  /** Config from folder defaults and the YAML beside the model; `{{config}}` in SQL is applied at compile time. */
  readonly config: ModelConfig;
  /** The same before defaults were filled in, so inline `{{config}}` merges like dbt (e.g. unique_key → merge). */
  readonly rawConfig: RawModelConfig;
  /** The YAML file that configured this model, if any. */
  readonly yamlPath?: string;
}

export interface SeedDef {
  readonly kind: 'seed';
  readonly name: string;
  readonly path: string;
  readonly schema: string;
  readonly description: string;
  /** Column → DuckDB type; undeclared columns load as VARCHAR (never auto-detected: a money column must not become DOUBLE). */
  readonly columnTypes: Readonly<Record<string, string>>;
  readonly columns: readonly ColumnDef[];
  readonly tests: readonly DataTestSpec[];
  readonly tags: readonly string[];
  readonly delimiter: string;
}

export interface SourceTableDef {
  readonly name: string;
  readonly identifier: string;
  readonly description: string;
  readonly columns: readonly ColumnDef[];
  readonly tests: readonly DataTestSpec[];
}

export interface SourceDef {
  readonly kind: 'source';
  readonly name: string;
  readonly schema: string;
  readonly description: string;
  readonly path: string;
  readonly tables: readonly SourceTableDef[];
  readonly tags: readonly string[];
}

/** A singular data test: a SQL file under `data-tests/` whose rows are failures. */
export interface SingularTestDef {
  readonly kind: 'singular_test';
  readonly name: string;
  readonly path: string;
  readonly rawSql: string;
  readonly severity: Severity;
  readonly tags: readonly string[];
}

/** A Handlebars macro: callable as a helper `{{name arg1 key=value}}` and as a partial `{{> name key=value}}`. */
export interface MacroDef {
  readonly name: string;
  readonly path: string;
  readonly template: string;
  /** Positional parameter names from the first-line comment `{{!-- params: a, b --}}`. */
  readonly params: readonly string[];
}

export interface WarehouseSettings {
  readonly path: string;
  readonly threads?: number;
  readonly memoryLimit?: string;
  readonly tempDirectory?: string;
  /** Where the read-only copy for analysts is published after each successful run (atomic replace). */
  readonly publishPath?: string;
  /** When DuckDB's vacuum runs (src/warehouse/vacuum.ts): `batched` (default) or `always`. */
  readonly vacuum?: 'batched' | 'always';
  /** Batched: a build compacts once incremental builds deleted this share of the incremental models' rows (0.25 = 25 %). */
  readonly vacuumAfterDeleted?: number;
  /** DuckDB storage format of a warehouse file created now (src/warehouse/storage-version.ts; default v1.3.0). */
  readonly storageVersion?: string;
}

export interface FolderConfig {
  readonly [key: string]: unknown;
}

export interface ProjectSettings {
  readonly name: string;
  readonly warehouse: WarehouseSettings;
  readonly targetPath: string;
  readonly vars: Readonly<Record<string, unknown>>;
  /** dbt_project-style folder defaults: `models: { staging: { materialized: view } }`. */
  readonly modelDefaults: FolderConfig;
  readonly seedSchema: string;
  /** Raw, unvalidated sections owned by other layers (extract, exports, periods, pipeline); validated there. */
  readonly sections: Readonly<Record<string, unknown>>;
}

export interface Project {
  readonly root: string;
  readonly settings: ProjectSettings;
  readonly models: readonly ModelDef[];
  readonly seeds: readonly SeedDef[];
  readonly sources: readonly SourceDef[];
  readonly singularTests: readonly SingularTestDef[];
  readonly macros: readonly MacroDef[];
}
