import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startDaemon, waitUntil } from './daemon-process.js';
import type { Daemon } from './daemon-process.js';
import type { S3Server } from './s3-server-info.js';
import { createServerDir, removeServerDir } from './server-dirs.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 's3rver-child.cjs');

/**
 * Starts s3rver 3.7.1 (npm) as a child process on 127.0.0.1 and a port the OS picks, with a temporary data folder,
 * one bucket and credentials made for this run. `--openssl-legacy-provider` is required: without it every
 * truncated ListObjectsV2 page answers HTTP 500 (platform notes). Ready in about 0.4 s.
 */
export async function startS3rver(): Promise<S3Server> {
  const dir = await createServerDir('s3rver');
  const bucket = 'revrec-test';
  const accessKeyId = `REVRECTEST${randomBytes(5).toString('hex').toUpperCase()}`;
  const secretAccessKey = `s3rver-secret-${randomBytes(16).toString('hex')}`;
  let daemon: Daemon | undefined;
  try {
    daemon = startDaemon('s3rver', process.execPath, ['--openssl-legacy-provider', CHILD, dir, bucket], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        REVREC_S3RVER_ACCESS_KEY_ID: accessKeyId,
        REVREC_S3RVER_SECRET_ACCESS_KEY: secretAccessKey,
      },
    });
    const started = daemon;
    let port: number | undefined;
    started.child.stdout?.on('data', (chunk: Buffer) => {
      const match = /\{"port":(\d+)\}/.exec(chunk.toString('utf8'));
      if (match) port = Number(match[1]);
    });
    await waitUntil(started, 'listening line', async () => port !== undefined, 15_000, 10);
    return {
      kind: 's3rver',
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      accessKeyId,
      secretAccessKey,
      bucket,
      async stop() {
        started.child.stdin?.end();
        await started.stop();
        await removeServerDir(dir);
      },
    };
  } catch (error) {
    await daemon?.stop();
    await removeServerDir(dir);
    throw error;
  }
}
