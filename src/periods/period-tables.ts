// First: its post-build hook must run before the build watermark's (see change-log.ts).
import './change-log.js';
import './test-slice.js';
import { addPostBuildHook, addStateTableDdl, addWarehouseInitializer } from '../warehouse/state-tables.js';
import { quoteIdent } from '../compile/node-ids.js';
import { LINE_STATE_COLUMNS, lineStateTableDdl, lineperiodTableDdl } from './line-period-columns.js';

/**
 * Engine-owned state for periods and the stage area (schema `meta`). Models read these as sources, so every
 * model is a pure function of the landed data and this state.
 */
addStateTableDdl(
  `CREATE TABLE IF NOT EXISTS meta.period_closes (
    actg_period INTEGER PRIMARY KEY,
    closed_at TIMESTAMP NOT NULL,
    forced BOOLEAN NOT NULL DEFAULT false,
    force_reasons VARCHAR,
    invocation_id VARCHAR
  )`,
  `COMMENT ON TABLE meta.period_closes IS 'One row per closed accounting period (YYYYMM). The current period is the month after the latest close, or vars.first_period.'`,
  lineperiodTableDdl('meta.frozen_line_periods'),
  `COMMENT ON TABLE meta.frozen_line_periods IS 'Reported line-level numbers of each closed period, exactly as at its close (marts.fct_line_periods rows).'`,
  lineStateTableDdl('meta.frozen_line_state'),
  `COMMENT ON TABLE meta.frozen_line_state IS 'Per contract line, its row from the latest close that reported it: the cumulative base the current period catches up against.'`,
  `CREATE TABLE IF NOT EXISTS meta.stage_deletions (
    record_type VARCHAR NOT NULL,
    _version BIGINT NOT NULL,
    _file VARCHAR NOT NULL,
    _row BIGINT NOT NULL,
    record_key VARCHAR,
    code VARCHAR,
    message VARCHAR,
    deleted_at TIMESTAMP NOT NULL,
    deleted_by VARCHAR,
    reason VARCHAR,
    PRIMARY KEY (record_type, _version, _file, _row)
  )`,
  `COMMENT ON TABLE meta.stage_deletions IS 'Staged records a user dropped with revrec stage rm: what, when, by whom and why. Models leave these raw rows out.'`,
);

/**
 * `frozen_line_state` once had every line-period column; it now keeps `LINE_STATE_COLUMNS`. In a warehouse made
 * before, the others are dropped (nothing reads them; `frozen_line_periods` keeps the history).
 */
addWarehouseInitializer(async (wh) => {
  const keep = new Set(LINE_STATE_COLUMNS.map(([name]) => name));
  const columns = await wh.rows<{ column_name: string }>(
    `SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'meta' AND table_name = 'frozen_line_state'`,
  );
  for (const { column_name } of columns.filter((c) => !keep.has(c.column_name))) {
    await wh.run(`ALTER TABLE meta.frozen_line_state DROP COLUMN ${quoteIdent(column_name)}`);
  }
});

/**
 * What the last complete, successful build consumed: the newest input version it saw, the period it built, the
 * project's state hash and the number of stage deletions. Incremental models compare against it (int_build_scope)
 * to recompute only what today's inputs touch, or everything when anything else changed.
 */
addStateTableDdl(
  `CREATE TABLE IF NOT EXISTS meta.build_state (
    id INTEGER PRIMARY KEY,
    built_version BIGINT NOT NULL,
    current_period INTEGER NOT NULL,
    state_hash VARCHAR NOT NULL,
    stage_deletions BIGINT NOT NULL,
    built_at TIMESTAMP NOT NULL
  )`,
  `COMMENT ON TABLE meta.build_state IS 'The watermark of the last complete successful build (newest input version, period, project state); incremental models recompute what changed since.'`,
  // Warehouses created before it: NULL, so the next build checks every line (test-slice.ts).
  `ALTER TABLE meta.build_state ADD COLUMN IF NOT EXISTS tests_passed_hash VARCHAR`,
  `COMMENT ON COLUMN meta.build_state.tests_passed_hash IS 'The hash of the data tests when that build ran every one and all passed (else NULL): the next daily build may then check only the lines it recomputes.'`,
);

addPostBuildHook(async (wh, build) => {
  if (!build.complete) {
    // A partial or failed run keeps the watermark, but the next build must check every line again (test-slice.ts).
    await wh.run('UPDATE meta.build_state SET tests_passed_hash = NULL WHERE tests_passed_hash IS NOT NULL');
    return;
  }
  if (!(await wh.relationExists('intermediate', 'int_build_scope'))) return;
  await wh.run(
    `INSERT OR REPLACE INTO meta.build_state (id, built_version, current_period, state_hash, stage_deletions, built_at, tests_passed_hash)
     SELECT 1, current_version, current_period, state_hash, stage_deletions, now(), $1 FROM intermediate.int_build_scope`,
    [build.testsPassedHash],
  );
});
