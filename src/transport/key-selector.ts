import picomatch from 'picomatch';

/**
 * Explicit file selection ("Select SFTP Files" in seed 000): a store lists only the keys that match at least one
 * `include` pattern (all keys when there is none) and no `exclude` pattern. Patterns are picomatch globs matched
 * against the whole key relative to the store root: `orders-2024-01.csv` (one file), `*.csv` (top folder only),
 * `**\/*.csv` (any depth), `{orders,invoices}*.csv`. Dot files only match patterns that name them (`.x.csv`).
 */
export interface KeySelection {
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
}

/** A predicate for {@link KeySelection}; invalid patterns throw when the store is created, not on first use. */
export function createKeySelector(selection: KeySelection = {}): (key: string) => boolean {
  const include = selection.include ?? [];
  const exclude = selection.exclude ?? [];
  const included = include.length === 0 ? () => true : picomatch([...include], { dot: false });
  const excluded = exclude.length === 0 ? () => false : picomatch([...exclude], { dot: true });
  return (key) => !isInFlightTemporary(key) && included(key) && !excluded(key);
}

/** Temporary names our atomic uploads and downloads use (`.name.part-0123456789ab`): never listed as files. */
export function isInFlightTemporary(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return /^\..+\.part-[0-9a-f]{12}$/.test(name);
}
