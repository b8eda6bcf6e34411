import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy to a real server (PostgreSQL, Redis) that a test can cut (dropping every open
 * connection, idle or busy, and refusing new ones) and restore: an outage of a dependency,
 * without stopping the server other tests share.
 */
export interface TcpProxy {
  /** `target` with the proxy's host and port. */
  url: string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/**
 * Starts a proxy on a free loopback port to `target` (`postgres://user@host:port/db`,
 * `redis://host:port`); `defaultPort` is used when the URL names none.
 */
export async function startTcpProxy(target: string, defaultPort: number): Promise<TcpProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const remote = connect(Number(upstream.port || defaultPort), upstream.hostname);
    for (const socket of [client, remote]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(remote).pipe(client);
    client.on('close', () => remote.destroy());
    remote.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(typeof address === 'object' && address ? address.port : 0);
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: url.toString(),
    cut() {
      open = false;
      dropAll();
    },
    restore() {
      open = true;
    },
    close: () =>
      new Promise((resolve) => {
        open = false;
        dropAll();
        server.close(() => resolve());
      }),
  };
}
