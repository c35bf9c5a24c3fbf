import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { zBooleanish, zNumberish } from '../project/config-values.js';
import type { StoreConfig } from '../transport/store-factory.js';
import { LOCAL_SETTINGS, S3_SETTINGS, SFTP_SETTINGS, storeConfigOf } from '../transport/store-settings.js';
import type { FilePatterns } from './formats/index.js';
import { RECORD_TYPE_NAMES } from './record-types.js';
import type { RecordTypeName } from './record-types.js';
import { DEFAULT_SCHEDULE, scheduleSchema } from './schedule.js';
import type { Schedule } from './schedule.js';

const patterns = z.record(z.enum(RECORD_TYPE_NAMES as [RecordTypeName, ...RecordTypeName[]]), z.union([z.string(), z.array(z.string())]));
const common = {
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'a name of letters, digits, _ and -'),
  mode: z.enum(['incremental', 'full_reload']).default('incremental'),
  schedule: scheduleSchema.optional(),
  /** File selection (seed 000's "Select SFTP Files"): names or globs relative to the folder/prefix. */
  files: z.array(z.string()).optional(),
  exclude: z.array(z.string()).optional(),
  patterns: patterns.optional(),
  enabled: zBooleanish.default(true),
  /** Transfer retries: tries in all (default 4) and the first back-off (default 250 ms, doubling, capped). */
  retry: z
    .object({
      attempts: zNumberish.pipe(z.number().int().min(1).max(20)).optional(),
      base_delay_ms: zNumberish.pipe(z.number().int().min(0)).optional(),
      max_delay_ms: zNumberish.pipe(z.number().int().min(0)).optional(),
    })
    .strict()
    .optional(),
};
const sourceSchema = z.discriminatedUnion('kind', [
  z.object({ ...common, ...LOCAL_SETTINGS, folder: z.string() }).strict(),
  z.object({ ...common, ...S3_SETTINGS, page_size: zNumberish.optional() }).strict(),
  z.object({ ...common, ...SFTP_SETTINGS }).strict(),
]);

export interface ExtractSource {
  readonly name: string;
  /** `local`, `s3` or `sftp` (also `store.kind`). */
  readonly kind: StoreConfig['kind'];
  readonly mode: 'incremental' | 'full_reload';
  readonly schedule: Schedule;
  readonly patterns: FilePatterns;
  /** Where the files are. Holds the credentials: never print it. */
  readonly store: StoreConfig;
  readonly enabled: boolean;
}

/**
 * The `extract:` sources of `sources/*.yml` and `pipeline.yml`. Credentials come from the environment through
 * `${VAR}` interpolation (never written in committed files); every credential value is registered for redaction so
 * it can never reach a log line, an artifact or an error message. Relative local folders and key paths are relative
 * to `root` (the project folder), like the warehouse path, not to wherever `revrec` was started.
 */
export function readExtractSources(sections: Readonly<Record<string, unknown>>, options: { readonly root?: string } = {}): ExtractSource[] {
  const raw = sections.extract;
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  const seen = new Set<string>();
  return list.map((entry, index) => {
    const parsed = sourceSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const name = (entry as { name?: unknown } | null)?.name;
      throw new ConfigError(`extract source ${typeof name === 'string' ? `"${name}"` : `#${index + 1}`}: ${issue.path.join('.') || 'entry'}: ${issue.message}`, {
        location: { file: 'sources/*.yml or pipeline.yml' },
        hint: 'kinds: local (folder), s3 (bucket, prefix, region, endpoint, access_key_id, secret_access_key), sftp (host, port, username, password or private_key_path, folder, host_key)',
      });
    }
    const s = parsed.data;
    if (seen.has(s.name)) throw new ConfigError(`two extract sources are named "${s.name}"`, { hint: 'give each a unique name' });
    seen.add(s.name);
    const selection = {
      ...(s.files ? { include: s.files } : {}),
      ...(s.exclude ? { exclude: s.exclude } : {}),
      ...(s.retry
        ? {
            retry: {
              ...(s.retry.attempts !== undefined ? { attempts: s.retry.attempts } : {}),
              ...(s.retry.base_delay_ms !== undefined ? { baseDelayMs: s.retry.base_delay_ms } : {}),
              ...(s.retry.max_delay_ms !== undefined ? { maxDelayMs: s.retry.max_delay_ms } : {}),
            },
          }
        : {}),
    };
    const store: StoreConfig = {
      ...storeConfigOf(s, { root: options.root, what: `extract source "${s.name}"`, file: 'sources/*.yml or pipeline.yml' }),
      ...(s.kind === 's3' && s.page_size ? { pageSize: s.page_size } : {}),
      ...selection,
    } as StoreConfig;
    return { name: s.name, kind: s.kind, mode: s.mode, schedule: s.schedule ?? DEFAULT_SCHEDULE, patterns: (s.patterns ?? {}) as FilePatterns, store, enabled: s.enabled };
  });
}
