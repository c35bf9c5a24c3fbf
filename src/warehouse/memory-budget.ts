/**
 * `warehouse.memory_limit` is the memory budget of the whole run, not of DuckDB's buffer manager alone.
 *
 * DuckDB's own `memory_limit` bounds only what its buffer manager holds; the process needs more: Node, and what
 * DuckDB allocates outside the buffer manager (its allocator's caches, query state that is not spillable). Measured on
 * this project (README, "Performance"): 3M order lines with DuckDB at 3GB peaked at 3.4 GiB RSS with the allocator
 * settings below, 3.7–4.7 GiB without them. So DuckDB gets DUCKDB_SHARE of the budget, and the run as a whole stays
 * under the number a user sets, which is the number a container or a cron host cares about. 75 % left too little:
 * with the default 4GB (3,815 MiB) two 3M runs peaked at 3,601 and 3,810 MiB; with 70 % (DuckDB 2,670 MiB) at 3,501 MiB,
 * in the same time (227.8 s against 225.5 and 236.4 s; `npm run bench -- e2e --orders 3000000`).
 */
export const DUCKDB_SHARE = 0.7;

/**
 * DuckDB's allocator (jemalloc on Linux) keeps freed memory for reuse; by default a thread returns it only after a
 * task that allocated more than 128 MiB, and nothing purges it in the background. Returning it sooner kept the 3M
 * run's peak RSS 0.3–1.2 GiB lower at no cost measurable in the 1M build (35.5 and 37.1 s against 36.9 and 37.5 s).
 */
export const ALLOCATOR_CONFIG: Readonly<Record<string, string>> = {
  allocator_flush_threshold: '32MB',
  allocator_background_threads: 'true',
};

const UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
  TIB: 1024 ** 4,
};

/** Bytes of a size as DuckDB writes it (`4GB` = 4·10^9, `4GiB` = 4·2^30, `512MB`, `1.5GB`); undefined if it is none. */
export function parseMemorySize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?\s*$/i.exec(text);
  if (!match) return undefined;
  const bytes = Number(match[1]) * UNITS[(match[2] ?? 'B').toUpperCase()]!;
  return bytes > 0 ? bytes : undefined;
}

/** DuckDB's memory_limit for a run budget, in whole MiB (DuckDB's own spelling). */
export function duckdbMemoryLimit(budget: string): string {
  const bytes = parseMemorySize(budget);
  if (bytes === undefined) throw new Error(`Unexpected: memory_limit "${budget}" was not validated as a size`);
  return `${Math.max(1, Math.floor((bytes * DUCKDB_SHARE) / 1024 ** 2))}MiB`;
}
