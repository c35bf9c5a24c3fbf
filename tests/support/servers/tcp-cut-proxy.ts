import net from 'node:net';

/** Which way the counted bytes flow: server → client (a download) or client → server (an upload). */
export type CutDirection = 'download' | 'upload';

export interface CutProxyOptions {
  readonly targetHost: string;
  readonly targetPort: number;
  /** Cut a connection once this many bytes went the `direction` way; undefined: never cut (plain proxy). */
  readonly cutAfterBytes?: number;
  /** Default `download`. */
  readonly direction?: CutDirection;
  /** Only the first N connections are cut, later ones pass untouched (default: every connection). */
  readonly cutConnections?: number;
  /** `reset` (default): TCP RST to both sides, as a dropped link or killed server looks. `stall`: stop forwarding but keep the sockets open, to exercise timeouts. */
  readonly mode?: 'reset' | 'stall';
}

export interface CutProxy {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  /** Connections cut so far. */
  cuts(): number;
  /** Closes the listener and every open connection. */
  stop(): Promise<void>;
}

/**
 * A tiny TCP proxy on 127.0.0.1 between a client and a real test server that can kill connections after N bytes,
 * to test a connection lost mid-download or mid-upload against the real servers (no mocks).
 */
export async function startCutProxy(options: CutProxyOptions): Promise<CutProxy> {
  const direction = options.direction ?? 'download';
  const cutConnections = options.cutConnections ?? Number.POSITIVE_INFINITY;
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let cut = 0;

  // noDelay on both legs: with Nagle the proxy made SFTP transfers about 30x slower.
  const server = net.createServer({ noDelay: true }, (client) => {
    accepted += 1;
    const cutThis = options.cutAfterBytes !== undefined && accepted <= cutConnections;
    const upstream = net.connect({ host: options.targetHost, port: options.targetPort, noDelay: true });
    sockets.add(client);
    sockets.add(upstream);
    let counted = 0;
    let stalled = false;
    const sever = () => {
      cut += 1;
      if (options.mode === 'stall') {
        stalled = true;
        return;
      }
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    };
    const pipe = (from: net.Socket, to: net.Socket, counts: boolean) => {
      from.on('data', (chunk: Buffer) => {
        if (stalled) return;
        if (counts && cutThis) {
          const room = (options.cutAfterBytes as number) - counted;
          if (chunk.length >= room) {
            if (room > 0) to.write(chunk.subarray(0, room));
            counted += Math.max(room, 0);
            sever();
            return;
          }
          counted += chunk.length;
        }
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
      from.on('end', () => to.end());
    };
    pipe(upstream, client, direction === 'download');
    pipe(client, upstream, direction === 'upload');
    for (const socket of [client, upstream]) {
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => {
        sockets.delete(socket);
        (socket === client ? upstream : client).destroy();
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port: address.port,
    connections: () => accepted,
    cuts: () => cut,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
