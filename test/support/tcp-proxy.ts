/**
 * A loopback TCP proxy that can turn into a blackhole: connections stay open, but nothing is
 * read or answered, like a network path that silently stalls. Bytes are held back (the sockets
 * are paused), never dropped, so lifting the blackhole resumes the streams intact.
 * It can also cut the path (a partition that clients notice): connections are reset and new
 * ones refused until it heals.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/** A running proxy. */
export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** Stall (true) or resume (false) every connection, current and future. */
  blackhole(on: boolean): void;
  /** Reset every connection and refuse new ones (true), or accept again (false). */
  partition(on: boolean): void;
  close(): Promise<void>;
}

/** Connect (or disconnect) the two halves; a disconnected socket keeps its bytes unread. */
function flow([client, upstream]: [Socket, Socket], on: boolean): void {
  if (on) {
    client.pipe(upstream);
    upstream.pipe(client);
  } else {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  }
}

/**
 * Start a proxy on a free loopback port to `target`.
 *
 * @example
 * ```ts
 * const proxy = await startTcpProxy({ host: '127.0.0.1', port: server.port });
 * proxy.blackhole(true);
 * ```
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let stalled = false;
  let cut = false;

  const server: Server = createServer((client) => {
    if (cut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = tcpConnect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    if (!stalled) flow(pair, true);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    host: '127.0.0.1',
    port,
    blackhole(on) {
      stalled = on;
      for (const pair of pairs) flow(pair, !on);
    },
    partition(on) {
      cut = on;
      if (!on) return;
      for (const [client, upstream] of pairs) {
        client.resetAndDestroy();
        upstream.destroy();
      }
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
