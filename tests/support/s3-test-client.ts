import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

import type { S3ServerInfo } from './servers/s3-server-info.js';

/**
 * A plain SDK client on a test S3 server, for what the tests do around the product (deliver files, look at what
 * arrived): path-style, and checksums only when required, as both test servers (s3rver, radosgw) expect.
 */
export function testS3Client(server: S3ServerInfo): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Puts files under `prefix/` of the test bucket (one PutObject each), as a customer's export job would. */
export async function s3Put(server: S3ServerInfo, prefix: string, files: Readonly<Record<string, string | Buffer>>): Promise<void> {
  const client = testS3Client(server);
  try {
    for (const [key, body] of Object.entries(files)) {
      await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: `${prefix}/${key}`, Body: typeof body === 'string' ? Buffer.from(body) : body }));
    }
  } finally {
    client.destroy();
  }
}
