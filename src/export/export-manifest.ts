import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { REVREC_VERSION } from '../version.js';
import type { WrittenFile } from './export-file-writer.js';
import { hashFile } from './file-hash.js';
import type { ExportJobName } from './export-config.js';

/** Bumped when the manifest's shape changes, so consumers can tell. */
export const MANIFEST_VERSION = 1;

/** What a manifest says about one data file. */
export interface ManifestFileEntry {
  readonly name: string;
  readonly type: string;
  readonly format: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly control_totals: Readonly<Record<string, string>>;
}

/** `<prefix>-manifest-<YYYYMM|version>.json` (exports.md, "Delivery"), written and delivered after the data files. */
export interface Manifest {
  readonly manifest_version: number;
  readonly job: ExportJobName;
  /** Close-period export: the period (YYYYMM). */
  readonly period?: number;
  /** Continuous export: the highest `Version` in the run's files. */
  readonly version?: number;
  readonly generated_at: string;
  readonly revrec_version: string;
  readonly home_currency: string;
  /** `home` or `transaction`: the currency of the rollforward, revenue, deferred, backlog and expense amounts. */
  readonly export_amounts: string;
  readonly files: readonly ManifestFileEntry[];
}

export function manifestEntry(file: Pick<WrittenFile, 'name' | 'type' | 'format' | 'rows' | 'bytes' | 'sha256' | 'controlTotals'>): ManifestFileEntry {
  return { name: file.name, type: file.type, format: file.format, rows: file.rows, bytes: file.bytes, sha256: file.sha256, control_totals: file.controlTotals };
}

/** Writes the manifest JSON (temporary name, then rename) and returns it as a written file. */
export async function writeManifest(path: string, manifest: Omit<Manifest, 'manifest_version' | 'revrec_version'>): Promise<WrittenFile> {
  const full: Manifest = { manifest_version: MANIFEST_VERSION, ...manifest, revrec_version: REVREC_VERSION };
  const ordered = {
    manifest_version: full.manifest_version,
    job: full.job,
    ...(full.period !== undefined ? { period: full.period } : {}),
    ...(full.version !== undefined ? { version: full.version } : {}),
    generated_at: full.generated_at,
    revrec_version: full.revrec_version,
    home_currency: full.home_currency,
    export_amounts: full.export_amounts,
    files: full.files,
  };
  const temp = join(dirname(path), `.${basename(path)}.part`);
  await writeFile(temp, `${JSON.stringify(ordered, null, 2)}\n`);
  await rename(temp, path);
  const { sha256, bytes } = await hashFile(path);
  return { name: basename(path), type: 'manifest', format: 'json', path, rows: full.files.length, bytes, sha256, controlTotals: {} };
}
