import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { execFileAsync } from './daemon-process.js';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scripts/ensure-test-packages.sh');

/**
 * Makes sure the Debian packages behind the test servers are installed, through `scripts/ensure-test-packages.sh`
 * (which apt-installs what is missing). Costs nothing when the binaries are there.
 */
export async function ensureTestPackages(options: { ceph?: boolean } = {}): Promise<void> {
  const binaries = ['/usr/sbin/sshd', '/usr/bin/ssh-keygen'];
  if (options.ceph) binaries.push('/usr/bin/ceph-mon', '/usr/bin/ceph-osd', '/usr/bin/radosgw', '/usr/bin/radosgw-admin', '/usr/bin/monmaptool');
  if (binaries.every((b) => existsSync(b))) return;
  try {
    await execFileAsync('bash', [SCRIPT, ...(options.ceph ? ['--ceph'] : [])], { timeout: 900_000 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`scripts/ensure-test-packages.sh failed: ${e.stderr || e.message}`);
  }
}
