import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

import { execFileAsync, freePort, startDaemon, tcpAnswers, waitUntil } from './daemon-process.js';
import type { Daemon } from './daemon-process.js';
import type { S3Server } from './s3-server-info.js';
import { createServerDir, removeServerDir } from './server-dirs.js';
import { ensureTestPackages } from './test-packages.js';

/**
 * A throw-away single-node Ceph cluster serving S3 through radosgw on 127.0.0.1: one monitor, one OSD on memstore
 * (RAM, nothing on disk but config and logs), `auth none`. Follows the platform notes: the monmap registers a msgr
 * v2 address and `mon host` names it; `ms mon client mode = crc` and `ms client mode = crc` (rgw hangs without them
 * under `auth none`); the OSD data folder exists before `ceph-osd --mkfs`; every daemon runs in the foreground
 * (`-f`) as our child. Ready in about 1 s (with the paxos settings below; about 15 s without); installs `ceph-mon ceph-osd radosgw` through
 * `scripts/ensure-test-packages.sh --ceph` when missing (about 20 s).
 */
export async function startRadosgw(): Promise<S3Server> {
  await ensureTestPackages({ ceph: true });
  const dir = await createServerDir('ceph');
  const conf = path.join(dir, 'ceph.conf');
  const daemons: Daemon[] = [];
  const stopAll = async () => {
    // Reverse start order; memstore has nothing to flush, so the grace is short.
    for (const daemon of [...daemons].reverse()) await daemon.stop(1_500);
    await removeServerDir(dir);
  };
  try {
    const monPort = await freePort();
    let rgwPort = await freePort();
    while (rgwPort === monPort) rgwPort = await freePort();
    const fsid = randomUUID();
    await Promise.all(['run', 'log', 'mon', 'crash', 'osd/ceph-0'].map((d) => mkdir(path.join(dir, d), { recursive: true })));
    await writeFile(conf, cephConfig({ dir, fsid, monPort, rgwPort }));
    const ceph = (args: string[]) => run('ceph', ['-c', conf, '--connect-timeout', '20', ...args]);

    await run('monmaptool', ['--create', '--fsid', fsid, '--addv', 'a', `[v2:127.0.0.1:${monPort}]`, path.join(dir, 'monmap')]);
    await run('ceph-mon', ['--mkfs', '-i', 'a', '--monmap', path.join(dir, 'monmap'), '-c', conf]);
    const mon = startDaemon('ceph-mon', 'ceph-mon', ['-f', '-i', 'a', '-c', conf]);
    daemons.push(mon);
    await waitUntil(mon, 'msgr2 banner', () => tcpAnswers('127.0.0.1', monPort, 'ceph v2'), 20_000, 20);

    const osdUuid = randomUUID();
    const osdId = (await ceph(['osd', 'new', osdUuid])).trim();
    await run('ceph-osd', ['-i', osdId, '--mkfs', '--osd-uuid', osdUuid, '-c', conf]);
    const osd = startDaemon('ceph-osd', 'ceph-osd', ['-f', '-i', osdId, '-c', conf]);
    daemons.push(osd);
    // rgw creates its pools at once; if the OSD is not up yet their placement groups wait for a 5 s re-check.
    await waitUntil(osd, 'OSD up', async () => JSON.parse(await ceph(['osd', 'stat', '-f', 'json'])).num_up_osds === 1, 20_000, 50);

    const rgw = startDaemon('radosgw', 'radosgw', ['-f', '-n', 'client.rgw.test', '-c', conf]);
    daemons.push(rgw);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await waitUntil(rgw, 'HTTP answer', async () => (await fetch(endpoint)).ok, 90_000, 100).catch(async (error) => {
      throw new Error(`${(error as Error).message}\n--- radosgw log ---\n${await logTail(dir, 'client.rgw.test')}\n--- osd log ---\n${await logTail(dir, 'osd.0')}`);
    });

    const accessKeyId = `REVRECRGW${randomBytes(6).toString('hex').toUpperCase()}`;
    const secretAccessKey = `rgw-secret-${randomBytes(16).toString('hex')}`;
    await run('radosgw-admin', ['-c', conf, 'user', 'create', '--uid', 'revrec-test', '--display-name', 'revrec tests', '--access-key', accessKeyId, '--secret', secretAccessKey]);
    const bucket = 'revrec-test';
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    } finally {
      client.destroy();
    }
    return { kind: 'radosgw', endpoint, region: 'us-east-1', accessKeyId, secretAccessKey, bucket, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function cephConfig(o: { dir: string; fsid: string; monPort: number; rgwPort: number }): string {
  return `[global]
fsid = ${o.fsid}
mon host = v2:127.0.0.1:${o.monPort}
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
ms client mode = crc
run dir = ${o.dir}/run
admin socket = ${o.dir}/run/$name.asok
pid file = ${o.dir}/run/$name.pid
log file = ${o.dir}/log/$name.log
crash dir = ${o.dir}/crash
mon data = ${o.dir}/mon/ceph-$id
osd data = ${o.dir}/osd/ceph-$id
osd objectstore = memstore
memstore device bytes = 1073741824
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail crit = 0
# Commit monitor changes at once instead of batching them for 1 s: rgw creates its pools one command at a time,
# so the default made start-up about 14 s instead of under 1 s.
paxos propose interval = 0.01
paxos min wait = 0.001
mon data avail warn = 0

[client.rgw.test]
rgw frontends = beast endpoint=127.0.0.1:${o.rgwPort}
rgw data = ${o.dir}/rgw
`;
}

async function run(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { timeout: 60_000 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

async function logTail(dir: string, name: string): Promise<string> {
  try {
    return (await readFile(path.join(dir, 'log', `${name}.log`), 'utf8')).slice(-4_000);
  } catch {
    return '(no log)';
  }
}
