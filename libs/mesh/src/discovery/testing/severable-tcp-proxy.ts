import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP pass-through to a real server that a test can cut (every open connection dropped, new
 * ones refused) and restore, to exercise reconnects against the real thing, not a mock.
 */
export class SeverableTcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private severed = false;
  private port = 0;

  private constructor(target: string) {
    const { hostname, port } = new URL(target.includes('://') ? target : `http://${target}`);
    this.server = createServer((downstream) => {
      if (this.severed) return void downstream.destroy();
      const upstream = connect({ host: hostname, port: Number(port) });
      for (const socket of [downstream, upstream]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          downstream.destroy();
          upstream.destroy();
        });
      }
      downstream.pipe(upstream).pipe(downstream);
    });
  }

  /** Listens on a free loopback port and forwards to `target` (`http://host:port` or `host:port`). */
  static async start(target: string): Promise<SeverableTcpProxy> {
    const proxy = new SeverableTcpProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const address = proxy.server.address();
    if (typeof address !== 'object' || !address) throw new Error('the proxy has no TCP address');
    proxy.port = address.port;
    return proxy;
  }

  /** `http://127.0.0.1:<port>`, to give a client in place of the real endpoint. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Drops every connection and refuses new ones until `restore()`. */
  sever(): void {
    this.severed = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.severed = false;
  }

  async close(): Promise<void> {
    this.sever();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
