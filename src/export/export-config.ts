import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { scheduleSchema } from '../extract/schedule.js';
import type { Schedule } from '../extract/schedule.js';
import { zBooleanish } from '../project/config-values.js';
import type { StoreConfig } from '../transport/store-factory.js';
import { LOCAL_SETTINGS, S3_SETTINGS, SFTP_SETTINGS, storeConfigOf } from '../transport/store-settings.js';
import type { ExportFormat } from './export-select.js';

/** The two automated jobs of seed 000, configured separately. */
export type ExportJobName = 'close_period' | 'continuous';

/** One place export files go: a local folder, an S3 prefix or an SFTP folder. */
export interface ExportDestination {
  readonly name: string;
  readonly store: StoreConfig;
}

export interface ExportJobConfig {
  readonly job: ExportJobName;
  readonly enabled: boolean;
  readonly formats: readonly ExportFormat[];
  readonly destinations: readonly ExportDestination[];
}

export interface ContinuousJobConfig extends ExportJobConfig {
  /** When `revrec export continuous --if-due` runs: daily at 23:00 UTC unless configured (seed 000). */
  readonly schedule: Schedule;
}

export interface ExportConfig {
  readonly closePeriod: ExportJobConfig;
  readonly continuous: ContinuousJobConfig;
}

/** Seed 000: "this consolidation will occur at 11pm UTC time when the scheduled task runs". */
export const DEFAULT_CONTINUOUS_SCHEDULE: Schedule = { every: 'daily', at: '23:00', timezone: 'UTC' };

const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'a name of letters, digits, _ and -');

// The same settings as an extract source (src/transport/store-settings.ts), without what only reading needs.
const destinationSchema = z.discriminatedUnion('kind', [
  z.object({ name, ...LOCAL_SETTINGS }).strict(),
  z.object({ name, ...S3_SETTINGS }).strict(),
  z.object({ name, ...SFTP_SETTINGS }).strict(),
]);
type DestinationEntry = z.infer<typeof destinationSchema>;

const formatList = z
  .union([z.enum(['csv', 'parquet']), z.array(z.enum(['csv', 'parquet'])).min(1)])
  .transform((v) => [...new Set(typeof v === 'string' ? [v] : v)]);

const jobFields = {
  enabled: zBooleanish.default(true),
  formats: formatList.default(['csv']),
  /** Names of `exports.destinations` entries, or inline destinations. */
  destinations: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])).default([]),
};

const exportsSchema = z
  .object({
    destinations: z.array(z.unknown()).default([]),
    close_period: z.object(jobFields).strict().optional(),
    continuous: z
      .object({
        ...jobFields,
        // The extract schedule's settings, with this job's defaults (daily at 23:00 UTC) under what is given.
        schedule: z.preprocess((v) => (v && typeof v === 'object' ? { ...DEFAULT_CONTINUOUS_SCHEDULE, ...v } : v), scheduleSchema).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const HINT =
  'exports: {destinations: [{name, kind: local|s3|sftp, …}], close_period: {formats: [csv, parquet], destinations: [name]}, continuous: {formats, destinations, schedule: {at: "23:00", timezone: UTC}}}';

/**
 * Reads the `exports:` section of `pipeline.yml` (validated here, by its owner). Destinations take the settings of
 * extract sources (`kind: local` with `folder`; `s3` with `bucket`, `prefix`, `region`, `endpoint`, keys; `sftp` with
 * `host`, `port`, `username`, `password` / `private_key_path`, `folder`, `host_key`); credentials come from `${ENV}`
 * and every secret is registered for redaction. A relative local folder is resolved against the project folder.
 * Without an `exports:` section both jobs are disabled.
 */
export function readExportConfig(sections: Readonly<Record<string, unknown>>, projectRoot: string): ExportConfig {
  const raw = sections.exports;
  if (raw === undefined || raw === null) {
    return {
      closePeriod: { job: 'close_period', enabled: false, formats: ['csv'], destinations: [] },
      continuous: { job: 'continuous', enabled: false, formats: ['csv'], destinations: [], schedule: DEFAULT_CONTINUOUS_SCHEDULE },
    };
  }
  if (Array.isArray(raw)) {
    throw new ConfigError('exports: must be one mapping, in pipeline.yml only', { location: { file: 'pipeline.yml' }, hint: HINT });
  }
  const parsed = exportsSchema.safeParse(raw);
  if (!parsed.success) throw configError('exports', parsed.error);
  const shared = new Map<string, ExportDestination>();
  parsed.data.destinations.forEach((entry, index) => {
    const destination = parseDestination(entry, `exports.destinations.${index}`, projectRoot);
    if (shared.has(destination.name)) throw new ConfigError(`two export destinations are named "${destination.name}"`, { location: { file: 'pipeline.yml' }, hint: 'give each a unique name' });
    shared.set(destination.name, destination);
  });
  const job = (jobName: ExportJobName, entry: z.infer<typeof exportsSchema>['close_period'] | undefined): ExportJobConfig => {
    if (!entry) return { job: jobName, enabled: false, formats: ['csv'], destinations: [] };
    const destinations = entry.destinations.map((d, index) => {
      if (typeof d !== 'string') return parseDestination(d, `exports.${jobName}.destinations.${index}`, projectRoot);
      const found = shared.get(d);
      if (!found) {
        throw new ConfigError(`exports.${jobName}: no destination named "${d}"`, {
          location: { file: 'pipeline.yml' },
          hint: `destinations: ${[...shared.keys()].join(', ') || 'none defined under exports.destinations'}`,
        });
      }
      return found;
    });
    const names = destinations.map((d) => d.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new ConfigError(`exports.${jobName}: destination "${duplicate}" is listed twice`, { location: { file: 'pipeline.yml' } });
    return { job: jobName, enabled: entry.enabled && destinations.length > 0, formats: entry.formats, destinations };
  };
  const continuous = parsed.data.continuous;
  return {
    closePeriod: job('close_period', parsed.data.close_period),
    continuous: { ...job('continuous', continuous), job: 'continuous', schedule: continuous?.schedule ?? DEFAULT_CONTINUOUS_SCHEDULE },
  };
}

function parseDestination(entry: unknown, where: string, projectRoot: string): ExportDestination {
  const parsed = destinationSchema.safeParse(entry);
  if (!parsed.success) throw configError(where, parsed.error);
  return { name: parsed.data.name, store: storeConfigOf(parsed.data, { root: projectRoot, what: `export destination "${parsed.data.name}"`, file: 'pipeline.yml' }) };
}

function configError(where: string, error: z.ZodError): ConfigError {
  const issue = error.issues[0]!;
  const path = [where, ...issue.path.map(String)].join('.');
  return new ConfigError(`${path}: ${issue.message}`, { location: { file: 'pipeline.yml' }, hint: HINT });
}
