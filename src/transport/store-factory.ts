import { LocalStore } from './local-store.js';
import type { LocalStoreConfig } from './local-store.js';
import type { RemoteStore } from './remote-store.js';
import { S3Store } from './s3-store.js';
import type { S3StoreConfig } from './s3-store.js';
import { SftpStore } from './sftp-store.js';
import type { SftpStoreConfig } from './sftp-store.js';

/** A store's settings as they appear in `pipeline.yml` (sources and export destinations), tagged by `kind`. */
export type StoreConfig =
  | ({ readonly kind: 'local' } & LocalStoreConfig)
  | ({ readonly kind: 's3' } & S3StoreConfig)
  | ({ readonly kind: 'sftp' } & SftpStoreConfig);

/** The store for a config. Cheap: nothing connects until the first list/download/upload. */
export function createRemoteStore(config: StoreConfig): RemoteStore {
  switch (config.kind) {
    case 'local':
      return new LocalStore(config);
    case 's3':
      return new S3Store(config);
    case 'sftp':
      return new SftpStore(config);
    default: {
      const unexpected: never = config;
      throw new Error(`Unexpected store kind ${JSON.stringify((unexpected as { kind?: unknown }).kind)}`);
    }
  }
}
