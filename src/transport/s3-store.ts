import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';

import { ConfigError, TransferError } from '../errors.js';
import { writeStreamAtomically } from './atomic-file-writer.js';
import { assertSafeKey, joinKey } from './key-path.js';
import { createKeySelector } from './key-selector.js';
import { fileDigest, localFileSize } from './local-file.js';
import type { KeySelection } from './key-selector.js';
import type { DownloadResult, RemoteFile, RemoteStore, RetryOptions } from './remote-store.js';
import { withRetry } from './retry.js';
import type { RetryContext } from './retry.js';
import { classifyS3Fault } from './s3-fault.js';

/**
 * The SDK is loaded on first use: it takes about 0.13 s, and every CLI command would pay it even when no source or
 * destination is on S3 (the whole CLI loaded in 1.0 s with it, exceljs and ssh2 eagerly imported).
 */
type S3Sdk = typeof import('@aws-sdk/client-s3');
let sdkLoading: Promise<S3Sdk> | undefined;
const loadSdk = (): Promise<S3Sdk> => (sdkLoading ??= import('@aws-sdk/client-s3'));

/** Largest object one PutObject may carry (S3's limit); bigger exports would need a multipart upload. */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

/** Settings of an S3 (or S3-compatible) bucket folder. */
export interface S3StoreConfig extends KeySelection {
  readonly bucket: string;
  /** Folder inside the bucket ("Bucket Path Prefix"); a trailing `/` is implied. Empty means the bucket root. */
  readonly prefix?: string;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** For S3-compatible servers (radosgw, MinIO, s3rver), e.g. `http://127.0.0.1:7480`. */
  readonly endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`), which S3-compatible servers usually need. */
  readonly forcePathStyle?: boolean;
  /** Both or neither; when neither, the SDK's default credential chain is used (env, ~/.aws, instance role). */
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly sessionToken?: string;
  /** Keys per ListObjectsV2 page (1–1000, default 1000). */
  readonly pageSize?: number;
  /** Give up connecting after this many ms (default 10 000). */
  readonly connectTimeoutMs?: number;
  /** Give up on a request whose socket was idle this many ms (default 30 000). */
  readonly idleTimeoutMs?: number;
  readonly retry?: RetryOptions;
}

/**
 * A bucket folder through @aws-sdk/client-s3. Listing pages through ListObjectsV2; downloads stream to disk with
 * SHA-256; uploads are one PutObject with Content-MD5, so the key shows the old object (or none) until the new one
 * is complete and verified by the server. The SDK's own retries are off: {@link withRetry} is the one policy.
 */
export class S3Store implements RemoteStore {
  readonly name: string;
  readonly #clientConfig: S3ClientConfig;
  #client: Promise<{ client: S3Client; sdk: S3Sdk }> | undefined;
  readonly #bucket: string;
  readonly #root: string;
  readonly #pageSize: number;
  readonly #selects: (key: string) => boolean;
  readonly #retry: RetryOptions | undefined;
  readonly #secrets: string[];

  constructor(config: S3StoreConfig) {
    if (!config.bucket) throw new ConfigError('S3 store: bucket is required', { hint: 'set bucket: <name>' });
    if ((config.accessKeyId === undefined) !== (config.secretAccessKey === undefined)) {
      throw new ConfigError(`S3 store s3://${config.bucket}: set both accessKeyId and secretAccessKey, or neither`, {
        hint: 'leave both out to use the default AWS credential chain',
      });
    }
    const pageSize = config.pageSize ?? 1000;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      throw new ConfigError(`S3 store s3://${config.bucket}: pageSize must be an integer from 1 to 1000`);
    }
    this.#bucket = config.bucket;
    this.#root = normalizePrefix(config.prefix);
    this.#pageSize = pageSize;
    this.#selects = createKeySelector(config);
    this.#retry = config.retry;
    this.#secrets = [config.secretAccessKey ?? '', config.sessionToken ?? ''];
    this.name = `s3://${config.bucket}/${this.#root}${config.endpoint ? ` at ${withoutUserInfo(config.endpoint)}` : ''}`;

    const clientConfig: S3ClientConfig = {
      region: config.region ?? 'us-east-1',
      forcePathStyle: config.forcePathStyle ?? false,
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // The SDK otherwise console.warn()s about failed streaming requests; our TransferError says it better.
      logger: QUIET_LOGGER,
      requestHandler: {
        connectionTimeout: config.connectTimeoutMs ?? 10_000,
        socketTimeout: config.idleTimeoutMs ?? 30_000,
      },
    };
    if (config.endpoint) clientConfig.endpoint = config.endpoint;
    if (config.accessKeyId !== undefined && config.secretAccessKey !== undefined) {
      clientConfig.credentials = {
        accessKeyId: config.accessKeyId,
        secretAccessKey: config.secretAccessKey,
        ...(config.sessionToken ? { sessionToken: config.sessionToken } : {}),
      };
    }
    this.#clientConfig = clientConfig;
  }

  /** The client, created with the SDK on first use (constructing a store stays cheap and synchronous). */
  #s3(): Promise<{ client: S3Client; sdk: S3Sdk }> {
    this.#client ??= loadSdk().then((sdk) => ({ client: new sdk.S3Client(this.#clientConfig), sdk }));
    return this.#client;
  }

  async *list(prefix = ''): AsyncIterable<RemoteFile> {
    let continuationToken: string | undefined;
    do {
      const token = continuationToken;
      const { client, sdk } = await this.#s3();
      const page = await withRetry(this.#context('list', prefix || undefined), () =>
        client.send(
          new sdk.ListObjectsV2Command({
            Bucket: this.#bucket,
            Prefix: this.#root + prefix,
            MaxKeys: this.#pageSize,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key || !object.Key.startsWith(this.#root)) continue;
        const key = object.Key.slice(this.#root.length);
        // Zero-byte "folder" markers made by consoles are not files.
        if (key === '' || key.endsWith('/') || !this.#selects(key)) continue;
        yield {
          key,
          size: Number(object.Size ?? 0),
          ...(object.ETag ? { etag: stripQuotes(object.ETag) } : {}),
          ...(object.LastModified ? { mtime: object.LastModified.toISOString() } : {}),
        };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async download(file: RemoteFile | string, localPath: string): Promise<DownloadResult> {
    const key = typeof file === 'string' ? file : file.key;
    assertSafeKey(key, this.name);
    const { client, sdk } = await this.#s3();
    return withRetry(this.#context('download', key), async () => {
      const response = await client.send(
        new sdk.GetObjectCommand({ Bucket: this.#bucket, Key: joinKey(this.#root, key) }),
      );
      const body = response.Body as Readable | undefined;
      if (!body) throw new TransferError(`${this.name}: GetObject of '${key}' returned no body`);
      const written = await writeStreamAtomically(body, localPath, response.ContentLength);
      return { ...written, ...(response.ETag ? { etag: stripQuotes(response.ETag) } : {}) };
    });
  }

  async upload(localPath: string, key: string): Promise<void> {
    assertSafeKey(key, this.name);
    const size = await localFileSize(localPath, this.name, key);
    if (size > MAX_SINGLE_PUT_BYTES) {
      throw new TransferError(`${this.name}: '${localPath}' has ${size} bytes, more than one PutObject may carry`, {
        location: { file: key },
        hint: 'split the export into smaller files (multipart upload is not supported yet)',
      });
    }
    // Content-MD5 makes the server refuse a body that arrived damaged or short, instead of storing it.
    const md5 = await fileDigest(localPath, 'md5', 'base64');
    const { client, sdk } = await this.#s3();
    await withRetry(this.#context('upload', key), async () => {
      const body = createReadStream(localPath);
      try {
        await client.send(
          new sdk.PutObjectCommand({
            Bucket: this.#bucket,
            Key: joinKey(this.#root, key),
            Body: body,
            ContentLength: size,
            ContentMD5: md5,
          }),
        );
      } finally {
        body.destroy();
      }
    });
  }

  async close(): Promise<void> {
    if (this.#client) (await this.#client).client.destroy();
  }

  #context(action: RetryContext['action'], key: string | undefined): RetryContext {
    return {
      store: this.name,
      action,
      ...(key === undefined ? {} : { key }),
      ...(this.#retry ? { options: this.#retry } : {}),
      classify: classifyS3Fault,
      secrets: this.#secrets,
    };
  }
}

const ignore = (): void => undefined;
const QUIET_LOGGER = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

/** `inbox`, `/inbox/`, `inbox/` → `inbox/`; empty stays empty. */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

function stripQuotes(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}

function withoutUserInfo(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(invalid endpoint)';
  }
}
