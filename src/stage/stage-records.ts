import type { Warehouse } from '../warehouse/warehouse.js';

/** One staged record, as `revrec stage ls --json` prints it (inputs.md). */
export interface StagedRecord {
  readonly file: string;
  /** Row in the file; the header is row 1. */
  readonly row: number | null;
  readonly type: string;
  readonly key: string | null;
  readonly code: string;
  readonly status: 'error' | 'held' | 'excluded';
  readonly message: string;
  readonly version: number;
}

export interface StageFilter {
  readonly file?: string;
  readonly row?: number;
  readonly type?: string;
  readonly code?: string;
  readonly key?: string;
  readonly status?: string;
}

/** Reads the stage area (`stage.stage_records`, built by the models) with optional filters. */
export async function listStaged(wh: Warehouse, filter: StageFilter = {}): Promise<StagedRecord[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: string, value: string | number | undefined) => {
    if (value === undefined) return;
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  add('file = ?', filter.file);
  add('"row" = ?', filter.row);
  add('type = ?', filter.type);
  add('code = ?', filter.code);
  add('key = ?', filter.key);
  add('status = ?', filter.status);
  const rows = await wh.rows<{ file: string; row: string | null; type: string; key: string | null; code: string; status: StagedRecord['status']; message: string; _version: string }>(
    `SELECT file, "row", type, key, code, status, message, _version FROM stage.stage_records ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY file, "row" NULLS FIRST, type, code`,
    params,
  );
  return rows.map((r) => ({
    file: r.file,
    row: r.row === null ? null : Number(r.row),
    type: r.type,
    key: r.key,
    code: r.code,
    status: r.status,
    message: r.message,
    version: Number(r._version),
  }));
}

/**
 * Drops staged records on a user's request: each is written to `meta.stage_deletions` with who, when and why, and
 * the staging models leave those raw rows out from the next build on. Nothing is deleted from the raw tables, so
 * the decision can be audited (and undone by deleting the row from meta.stage_deletions).
 */
export async function dropStaged(wh: Warehouse, records: readonly StagedRecord[], reason: string, who: string, at: Date): Promise<number> {
  if (records.length === 0) return 0;
  return wh.transaction(async () => {
    let count = 0;
    for (const r of records) {
      count += await wh.run(
        `INSERT INTO meta.stage_deletions (record_type, _version, _file, _row, record_key, code, message, deleted_at, deleted_by, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
        [r.type, r.version, r.file, r.row ?? 0, r.key, r.code, r.message, at.toISOString(), who, reason],
      );
    }
    return count;
  });
}

/** A plain-text table for terminals. */
export function formatStaged(records: readonly StagedRecord[]): string {
  if (records.length === 0) return 'The stage area is empty.';
  const header = ['FILE', 'ROW', 'TYPE', 'KEY', 'CODE', 'STATUS', 'MESSAGE'];
  const rows = records.map((r) => [r.file, r.row === null ? '' : String(r.row), r.type, r.key ?? '', r.code, r.status, r.message]);
  const widths = header.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((row) => row[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.slice(0, widths[i]).padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line), '', `${records.length} staged record(s)`].join('\n');
}
