import { join } from 'node:path';
import { civilFromDays } from './civil-date.js';
import type { ResolvedOptions } from './generate-options.js';
import type { GenerationSummary } from './generation-summary.js';

/** Base name of the packaged deliveries (`sample.zip`, `sample.xlsx`; re-deliveries `sample_redelivery.*`). */
export const PACKAGE_BASE = 'sample';

/**
 * Packages the CSVs of `csvDir` as the requested format into `o.outDir` and rewrites the summary's file names:
 * `sample.zip!orders.csv` for ZIP entries (the extractor's `zip-key!entry` notation), `sample.xlsx` plus `sheet`
 * for workbook tabs. Re-delivered files go into a second package so they land as a later load.
 */
export async function packageSummary(
  o: ResolvedOptions,
  csvDir: string,
  summary: GenerationSummary,
): Promise<GenerationSummary> {
  if (o.format === 'csv') return summary;
  const { year, month, day } = civilFromDays(o.lastDay);
  // DOS timestamps are local calendar fields: build them from local fields so every time zone writes the same bytes.
  const mtime = new Date(year, month - 1, day, 12, 0, 0);
  const created = new Date(Date.UTC(year, month - 1, day));
  const isRedelivery = (name: string): boolean => name.includes('_redelivery');
  const mainFiles = summary.files.filter((f) => !isRedelivery(f.name));
  const redelivered = summary.files.filter((f) => isRedelivery(f.name));
  const renamed = new Map<string, { file: string; sheet?: string }>();

  if (o.format === 'zip') {
    // Loaded on demand: CSV runs (benchmarks) should not pay for loading the archive libraries.
    const { zipFolderFiles } = await import('./zip-packager.js');
    const groups = [
      { pkg: `${PACKAGE_BASE}.zip`, files: mainFiles },
      { pkg: `${PACKAGE_BASE}_redelivery.zip`, files: redelivered },
    ];
    for (const { pkg, files } of groups) {
      if (files.length === 0) continue;
      await zipFolderFiles(
        csvDir,
        files.map((f) => f.name),
        join(o.outDir, pkg),
        mtime,
      );
      for (const f of files) renamed.set(f.name, { file: `${pkg}!${f.name}` });
    }
  } else {
    const { writeXlsx } = await import('./xlsx-packager.js');
    const groups = [
      { pkg: `${PACKAGE_BASE}.xlsx`, files: mainFiles },
      { pkg: `${PACKAGE_BASE}_redelivery.xlsx`, files: redelivered },
    ];
    for (const { pkg, files } of groups) {
      if (files.length === 0) continue;
      await writeXlsx(
        join(o.outDir, pkg),
        files.map((f) => ({ sheet: f.type, csvPath: join(csvDir, f.name) })),
        { created, mtime },
      );
      for (const f of files) renamed.set(f.name, { file: pkg, sheet: f.type });
    }
  }

  const rename = <T extends { file: string; sheet?: string }>(item: T): T => {
    const to = renamed.get(item.file);
    return to ? { ...item, ...to } : item;
  };
  return {
    ...summary,
    files: summary.files.map((f) => {
      const to = renamed.get(f.name);
      return to ? { ...f, name: to.file, ...(to.sheet ? { sheet: to.sheet } : {}) } : f;
    }),
    expected: summary.expected.map((e) => {
      const moved = rename(e);
      return e.correctedBy ? { ...moved, correctedBy: rename(e.correctedBy) } : moved;
    }),
  };
}
