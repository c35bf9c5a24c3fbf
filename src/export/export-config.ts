import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { scheduleSchema } from '../extract/schedule.js';
import type { Schedule } from '../extract/schedule.js';
import { zBooleanish, zNumberish } from '../project/config-values.js';
import { registerSecret } from '../reporter/redaction.js';
import type { StoreConfig } from '../transport/store-factory.js';
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

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalText = z.preprocess(emptyToUndefined, z.string().optional());
const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'a name of letters, digits, _ and -');

// The same settings as an extract source (src/extract/extract-config.ts), without what only reading needs
// (mode, schedule, file selection, patterns).
const destinationSchema = z.discriminatedUnion('kind', [
  z.object({ name, kind: z.literal('local'), folder: z.string().min(1) }).strict(),
  z
    .object({
      name,
      kind: z.literal('s3'),
      bucket: z.string().min(1),
      prefix: z.string().default(''),
      region: z.string().default('us-east-1'),
      endpoint: optionalText,
      force_path_style: zBooleanish.optional(),
      access_key_id: optionalText,
      secret_access_key: optionalText,
      session_token: optionalText,
    })
    .strict(),
  z
    .object({
      name,
      kind: z.literal('sftp'),
      host: z.string().min(1),
      port: zNumberish.default(22),
      username: z.string().min(1),
      password: optionalText,
      private_key: optionalText,
      private_key_path: optionalText,
      passphrase: optionalText,
      folder: z.string().default(''),
      host_key: z.union([z.string(), z.array(z.string())]).optional(),
      insecure_skip_host_key_check: zBooleanish.default(false),
    })
    .strict(),
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
  return { name: parsed.data.name, store: storeOf(parsed.data, projectRoot) };
}

function storeOf(d: DestinationEntry, projectRoot: string): StoreConfig {
  switch (d.kind) {
    case 'local':
      return { kind: 'local', folder: isAbsolute(d.folder) ? d.folder : resolve(projectRoot, d.folder) };
    case 's3':
      registerSecret(d.secret_access_key);
      registerSecret(d.session_token);
      return {
        kind: 's3',
        bucket: d.bucket,
        prefix: d.prefix,
        region: d.region,
        ...(d.endpoint ? { endpoint: d.endpoint, forcePathStyle: d.force_path_style ?? true } : d.force_path_style !== undefined ? { forcePathStyle: d.force_path_style } : {}),
        ...(d.access_key_id ? { accessKeyId: d.access_key_id } : {}),
        ...(d.secret_access_key ? { secretAccessKey: d.secret_access_key } : {}),
        ...(d.session_token ? { sessionToken: d.session_token } : {}),
      };
    case 'sftp':
      registerSecret(d.password);
      registerSecret(d.private_key);
      registerSecret(d.passphrase);
      if (!d.host_key && !d.insecure_skip_host_key_check) {
        throw new ConfigError(`export destination "${d.name}": host_key is required for SFTP`, {
          location: { file: 'pipeline.yml' },
          hint: `pin the server's key: ssh-keyscan -p ${d.port} ${d.host} | ssh-keygen -lf -  (or insecure_skip_host_key_check: true for a throw-away test server)`,
        });
      }
      return {
        kind: 'sftp',
        host: d.host,
        port: d.port,
        username: d.username,
        ...(d.password ? { password: d.password } : {}),
        ...(d.private_key ? { privateKey: d.private_key } : {}),
        ...(d.private_key_path ? { privateKeyPath: d.private_key_path } : {}),
        ...(d.passphrase ? { passphrase: d.passphrase } : {}),
        folder: d.folder,
        ...(d.host_key ? { hostKey: d.host_key } : {}),
        insecureSkipHostKeyCheck: d.insecure_skip_host_key_check,
      };
    default:
      throw new Error('Unexpected destination kind');
  }
}

function configError(where: string, error: z.ZodError): ConfigError {
  const issue = error.issues[0]!;
  const path = [where, ...issue.path.map(String)].join('.');
  return new ConfigError(`${path}: ${issue.message}`, { location: { file: 'pipeline.yml' }, hint: HINT });
}
