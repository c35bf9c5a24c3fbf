/** Coordinates of a running S3-compatible test server; plain data, so vitest can `provide` it to test files. */
export interface S3ServerInfo {
  /** `s3rver` or `radosgw`, for test names. */
  readonly kind: 's3rver' | 'radosgw';
  /** `http://127.0.0.1:PORT`; use path-style addressing. */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** A bucket created at start, empty. Tests use a prefix of their own in it. */
  readonly bucket: string;
}

export interface S3Server extends S3ServerInfo {
  /** Stops the server (and its daemons) and removes its data. */
  stop(): Promise<void>;
}
