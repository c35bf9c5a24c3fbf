import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';

import { s3Put, testS3Client } from '../../support/s3-test-client.js';
import type { S3ServerInfo } from '../../support/servers/s3-server-info.js';
import type { SshdInfo } from '../../support/servers/sshd-server.js';
import { ORDERS_HEADER } from '../../fixtures/inputs/orders-csv.js';

export { s3Put };

/** Every object under `prefix/`, by key relative to it. */
export async function s3Get(server: S3ServerInfo, prefix: string): Promise<Map<string, Buffer>> {
  const s3 = testS3Client(server);
  const out = new Map<string, Buffer>();
  try {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: `${prefix}/`, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        const body = await s3.send(new GetObjectCommand({ Bucket: server.bucket, Key: object.Key! }));
        out.set(object.Key!.slice(prefix.length + 1), Buffer.from(await body.Body!.transformToByteArray()));
      }
      token = page.NextContinuationToken;
    } while (token);
  } finally {
    s3.destroy();
  }
  return out;
}

/** Writes files where the test sshd serves `folder` (it runs on this machine), readable by its user, with one mtime. */
export async function sftpPut(server: SshdInfo, folder: string, files: Readonly<Record<string, string | Buffer>>, mtime = new Date()): Promise<void> {
  for (const [key, body] of Object.entries(files)) {
    const path = join(server.rootDir, folder, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    await utimes(path, mtime, mtime);
  }
}

/** Every file of an SFTP folder (read from the disk sshd serves), by name; temporaries included. */
export async function sftpGet(server: SshdInfo, folder: string): Promise<Map<string, Buffer>> {
  return localGet(join(server.rootDir, folder));
}

/** Every file of a local folder, by name. */
export async function localGet(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) out.set(name, await readFile(join(dir, name)));
  return out;
}

/** A valid orders CSV of `count` one-line orders with ids `<prefix>-NNNNN` (about 110 bytes a row): a file big enough to cut. */
export function bulkOrders(prefix: string, count: number): string {
  const lines = [ORDERS_HEADER];
  for (let i = 0; i < count; i++) {
    const id = `${prefix}-${String(i).padStart(5, '0')}`;
    lines.push(`${id},${id}-1,C-${i % 7},P-100,2024-01-15,1,,${100 + (i % 50)}.00,,USD,2024-01-15,2025-01-14,`);
  }
  return `${lines.join('\n')}\n`;
}
