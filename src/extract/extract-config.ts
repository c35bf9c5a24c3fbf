import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { zBooleanish, zNumberish } from '../project/config-values.js';
import { registerSecret } from '../reporter/redaction.js';
import type { StoreConfig } from '../transport/store-factory.js';
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
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalText = z.preprocess(emptyToUndefined, z.string().optional());

const sourceSchema = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('local'), folder: z.string() }).strict(),
  z
    .object({
      ...common,
      kind: z.literal('s3'),
      bucket: z.string().min(1),
      prefix: z.string().default(''),
      region: z.string().default('us-east-1'),
      endpoint: optionalText,
      force_path_style: zBooleanish.optional(),
      access_key_id: optionalText,
      secret_access_key: optionalText,
      session_token: optionalText,
      page_size: zNumberish.optional(),
    })
    .strict(),
  z
    .object({
      ...common,
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
  const fromRoot = (path: string) => (options.root === undefined ? path : resolve(options.root, path));
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
    let store: StoreConfig;
    switch (s.kind) {
      case 'local':
        store = { kind: 'local', folder: fromRoot(s.folder), ...selection };
        break;
      case 's3':
        registerSecret(s.secret_access_key);
        registerSecret(s.session_token);
        store = {
          kind: 's3',
          bucket: s.bucket,
          prefix: s.prefix,
          region: s.region,
          ...(s.endpoint ? { endpoint: s.endpoint, forcePathStyle: s.force_path_style ?? true } : s.force_path_style !== undefined ? { forcePathStyle: s.force_path_style } : {}),
          ...(s.access_key_id ? { accessKeyId: s.access_key_id } : {}),
          ...(s.secret_access_key ? { secretAccessKey: s.secret_access_key } : {}),
          ...(s.session_token ? { sessionToken: s.session_token } : {}),
          ...(s.page_size ? { pageSize: s.page_size } : {}),
          ...selection,
        };
        break;
      case 'sftp':
        registerSecret(s.password);
        registerSecret(s.private_key);
        registerSecret(s.passphrase);
        if (!s.host_key && !s.insecure_skip_host_key_check) {
          throw new ConfigError(`extract source "${s.name}": host_key is required for SFTP`, {
            hint: `pin the server's key: ssh-keyscan -p ${s.port} ${s.host} | ssh-keygen -lf -  (or set insecure_skip_host_key_check: true for a throw-away test server)`,
          });
        }
        store = {
          kind: 'sftp',
          host: s.host,
          port: s.port,
          username: s.username,
          ...(s.password ? { password: s.password } : {}),
          ...(s.private_key ? { privateKey: s.private_key } : {}),
          ...(s.private_key_path ? { privateKeyPath: fromRoot(s.private_key_path) } : {}),
          ...(s.passphrase ? { passphrase: s.passphrase } : {}),
          folder: s.folder,
          ...(s.host_key ? { hostKey: s.host_key } : {}),
          insecureSkipHostKeyCheck: s.insecure_skip_host_key_check,
          ...selection,
        };
        break;
      default:
        throw new Error('Unexpected source kind');
    }
    return { name: s.name, kind: s.kind, mode: s.mode, schedule: s.schedule ?? DEFAULT_SCHEDULE, patterns: (s.patterns ?? {}) as FilePatterns, store, enabled: s.enabled };
  });
}
