import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

import type { TestProject } from 'vitest/node';

import { startRadosgw } from './support/servers/radosgw-server.js';
import type { S3Server, S3ServerInfo } from './support/servers/s3-server-info.js';
import { startS3rver } from './support/servers/s3rver-server.js';
import { startSshd } from './support/servers/sshd-server.js';
import type { SshdInfo, SshdServer } from './support/servers/sshd-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Every S3 server started for this run (s3rver always, radosgw with REVREC_TEST_RADOSGW=1); empty when none was needed. */
    s3Servers: S3ServerInfo[];
    /** The test sshd, or null when no selected test file needs servers. */
    sftpServer: SshdInfo | null;
  }
}

/**
 * Starts the real servers the integration tests talk to, once per `vitest` run, and hands their coordinates to the
 * test files through `provide` (read them with `inject('s3Servers')` / `inject('sftpServer')`).
 *
 * Start-up is skipped when no selected test file is under tests/integration or tests/e2e (a unit-only run), or
 * when REVREC_TEST_SERVERS=0. s3rver (~0.2–0.4 s) and sshd (~0.1 s) start in parallel; radosgw (~1 s) only with
 * REVREC_TEST_RADOSGW=1. Missing Debian packages are installed by scripts/ensure-test-packages.sh.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureCliBuilt(project.config.root);
  project.provide('s3Servers', []);
  project.provide('sftpServer', null);
  if (process.env.REVREC_TEST_SERVERS === '0' || !(await needsServers(project))) return async () => undefined;

  const withRadosgw = process.env.REVREC_TEST_RADOSGW === '1';
  const started = await Promise.allSettled([
    startS3rver(),
    startSshd(),
    withRadosgw ? startRadosgw() : Promise.resolve(undefined),
  ] as const);
  const stop = async () => {
    await Promise.allSettled(started.map((r) => (r.status === 'fulfilled' && r.value ? r.value.stop() : undefined)));
  };
  const failures = started.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    await stop();
    throw new Error(`test servers failed to start:\n${failures.map((f) => String(f.reason?.message ?? f.reason)).join('\n')}`);
  }
  const [s3rver, sshd, radosgw] = started.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
    S3Server,
    SshdServer,
    S3Server | undefined,
  ];
  project.provide('s3Servers', [s3rver, radosgw].filter((s): s is S3Server => s !== undefined).map(s3Info));
  project.provide('sftpServer', sshdInfo(sshd));
  return stop;
}

/**
 * End-to-end tests run the real CLI (`node bin/revrec.js` → `dist/`). `npm ci` builds it (prepare script); after
 * local edits it may be stale, so rebuild when any `src/` file is newer than the build.
 */
function ensureCliBuilt(root: string): void {
  const built = path.join(root, 'dist', 'cli', 'main.js');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const newest = readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .reduce((latest, entry) => Math.max(latest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs), 0);
  if (newest > builtAt) execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}

/** True unless every test file this run selected is a unit test (they need no server). */
async function needsServers(project: TestProject): Promise<boolean> {
  // Vitest keeps the CLI file filters here; not typed publicly, so fall back to "start them" if it moves.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  try {
    const { testFiles } = await project.globTestFiles(filters);
    const root = project.config.root;
    return testFiles.some((file) => !path.relative(root, file).split(path.sep).join('/').startsWith('tests/unit/'));
  } catch {
    return true;
  }
}

/** Plain data only: `provide` serializes values, functions can not cross into the test workers. */
function s3Info(server: S3Server): S3ServerInfo {
  const { kind, endpoint, region, accessKeyId, secretAccessKey, bucket } = server;
  return { kind, endpoint, region, accessKeyId, secretAccessKey, bucket };
}

function sshdInfo(server: SshdServer): SshdInfo {
  const { host, port, username, password, privateKeyPath, hostPublicKey, hostKeySha256, rootDir } = server;
  return { host, port, username, password, privateKeyPath, hostPublicKey, hostKeySha256, rootDir };
}
