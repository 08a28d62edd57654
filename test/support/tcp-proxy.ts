// A TCP proxy on loopback in front of the test API server that can cut every open connection at once, as a load
// balancer restart or a network blip does to a long-lived watch.

import net from 'node:net';

export interface TcpProxy {
  server: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Destroys every open connection, both sides. New ones are still accepted. */
  severAll(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: URL): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let accepted = 0;
  const proxy = net.createServer((client) => {
    accepted += 1;
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      open.add(from);
      from.on('close', () => {
        open.delete(from);
        to.destroy();
      });
      from.on('error', () => to.destroy());
      from.pipe(to);
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as net.AddressInfo;
  return {
    server: `https://127.0.0.1:${port}`,
    connections: () => accepted,
    severAll: () => {
      for (const socket of open) socket.destroy();
    },
    close: () => {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => proxy.close(() => resolve()));
    },
  };
}
