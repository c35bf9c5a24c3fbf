export const PLAN_SCHEMA_VERSION = 'revrec/plan/v1';

export type Command = 'run' | 'seed' | 'test' | 'build';

export type StepAction =
  | 'load seed'
  | 'create view'
  | 'build table'
  | 'create incremental'
  | 'full refresh incremental'
  | 'incremental append'
  | 'incremental merge'
  | 'incremental delete+insert'
  | 'incremental replace_where'
  | 'run test';

export interface PlanStep {
  /** 1-based position in the plan. */
  readonly index: number;
  readonly nodeId: string;
  readonly kind: 'seed' | 'model' | 'test';
  readonly name: string;
  readonly action: StepAction;
  /** Target relation (models, seeds) or the tested node (tests). */
  readonly target: string;
  /** Ids of planned steps that must succeed first (other planned nodes only). */
  readonly after: readonly string[];
}

/** What `revrec … --dry-run` prints and what `run` executes; plain data, testable without a database. */
export interface Plan {
  readonly schemaVersion: typeof PLAN_SCHEMA_VERSION;
  readonly command: Command;
  readonly fullRefresh: boolean;
  readonly steps: readonly PlanStep[];
}
