import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { tcpAnswers } from '../../support/servers/daemon-process.js';

/** The readiness probe the test servers' setup waits on (radosgw's monitor, sshd). */
describe('tcpAnswers', () => {
  let server: net.Server | undefined;
  afterEach(() => server?.close());

  const listen = (onConnection: (socket: net.Socket) => void): Promise<number> =>
    new Promise((resolve) => {
      server = net.createServer(onConnection).listen(0, '127.0.0.1', () => resolve((server!.address() as net.AddressInfo).port));
    });

  it('is true when the banner comes', async () => {
    const port = await listen((socket) => socket.end('ceph v2\n'));
    expect(await tcpAnswers('127.0.0.1', port, 'ceph v2')).toBe(true);
  });

  it('is false, at once, when a daemon still starting accepts and closes (it used to hang the test setup)', async () => {
    const port = await listen((socket) => socket.destroy());
    const started = Date.now();
    expect(await tcpAnswers('127.0.0.1', port, 'ceph v2')).toBe(false);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('is false when nothing listens', async () => {
    const port = await listen(() => undefined);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    expect(await tcpAnswers('127.0.0.1', port, 'ceph v2')).toBe(false);
  });
});
