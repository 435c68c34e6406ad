import net from "node:net";

/**
 * A TCP proxy in front of PostgreSQL: `stop()` drops every connection and refuses new ones, as a
 * database restart looks from the app; `start()` brings it back on the same port. It lets a test
 * "restart PostgreSQL" without touching the server other test files share.
 */
export class TcpProxy {
  #server: net.Server | null = null;
  #sockets = new Set<net.Socket>();
  port = 0;

  constructor(private targetHost: string, private targetPort: number) {}

  async start(): Promise<this> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on("close", () => this.#sockets.delete(s));
        s.on("error", () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
