import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { zBooleanish, zNumberish } from '../project/config-values.js';
import { registerSecret } from '../reporter/redaction.js';
import type { StoreConfig } from './store-factory.js';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalText = z.preprocess(emptyToUndefined, z.string().optional());

/**
 * The YAML settings of a store, shared by extract sources (`sources/*.yml`, `extract:`) and export destinations
 * (`pipeline.yml`, `exports:`): snake_case keys as users write them. Credentials arrive through `${ENV}`.
 */
export const LOCAL_SETTINGS = { kind: z.literal('local'), folder: z.string().min(1) };

export const S3_SETTINGS = {
  kind: z.literal('s3'),
  bucket: z.string().min(1),
  prefix: z.string().default(''),
  region: z.string().default('us-east-1'),
  endpoint: optionalText,
  force_path_style: zBooleanish.optional(),
  access_key_id: optionalText,
  secret_access_key: optionalText,
  session_token: optionalText,
};

export const SFTP_SETTINGS = {
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
};

type Shape<T extends z.ZodRawShape> = z.infer<z.ZodObject<T>>;
export type StoreSettings = Shape<typeof LOCAL_SETTINGS> | Shape<typeof S3_SETTINGS> | Shape<typeof SFTP_SETTINGS>;

/**
 * Settings → the store's config. Every credential is registered for redaction before anything can print it; a
 * relative local folder or key path is relative to the project folder; SFTP needs a pinned host key unless the user
 * opts out explicitly. `what` names the entry in errors (`extract source "inbox"`).
 */
export function storeConfigOf(settings: StoreSettings, options: { readonly root: string | undefined; readonly what: string; readonly file: string }): StoreConfig {
  const fromRoot = (path: string) => (options.root === undefined || isAbsolute(path) ? path : resolve(options.root, path));
  switch (settings.kind) {
    case 'local':
      return { kind: 'local', folder: fromRoot(settings.folder) };
    case 's3': {
      const s = settings;
      registerSecret(s.secret_access_key);
      registerSecret(s.session_token);
      return {
        kind: 's3',
        bucket: s.bucket,
        prefix: s.prefix,
        region: s.region,
        ...(s.endpoint ? { endpoint: s.endpoint, forcePathStyle: s.force_path_style ?? true } : s.force_path_style !== undefined ? { forcePathStyle: s.force_path_style } : {}),
        ...(s.access_key_id ? { accessKeyId: s.access_key_id } : {}),
        ...(s.secret_access_key ? { secretAccessKey: s.secret_access_key } : {}),
        ...(s.session_token ? { sessionToken: s.session_token } : {}),
      };
    }
    case 'sftp': {
      const s = settings;
      registerSecret(s.password);
      registerSecret(s.private_key);
      registerSecret(s.passphrase);
      if (!s.host_key && !s.insecure_skip_host_key_check) {
        throw new ConfigError(`${options.what}: host_key is required for SFTP`, {
          location: { file: options.file },
          hint: `pin the server's key: ssh-keyscan -p ${s.port} ${s.host} | ssh-keygen -lf -  (or set insecure_skip_host_key_check: true for a throw-away test server)`,
        });
      }
      return {
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
      };
    }
    default:
      throw new Error(`Unexpected store kind ${String((settings as { kind?: unknown }).kind)}`);
  }
}
