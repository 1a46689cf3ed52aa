/**
 * A TCP proxy in front of `wrangler dev`, so a test can break the page's connection the ways a
 * network does: cut it (the page sees 1006), keep it down, or freeze it, the way a tunnel or a
 * Wi-Fi that stopped routing does: nothing is closed, nothing gets through.
 */
import { createConnection, createServer, type Socket } from "node:net";

export interface CuttableProxy {
  url: string;
  /** Destroys every open connection, mid-stream. */
  cut(): void;
  /** While down, new connections are dropped as soon as they open. */
  setDown(down: boolean): void;
  /**
   * While frozen, nothing is forwarded either way and nothing is closed, on open connections and
   * new ones alike. Thawing leaves the connections that froze dead (as a real dead network
   * would): they are destroyed, and new ones work again.
   */
  setFrozen(frozen: boolean): void;
  close(): Promise<void>;
}

export async function startProxy(target: string): Promise<CuttableProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const frozenSockets = new Set<Socket>();
  let down = false;
  let frozen = false;
  const server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    // Resets are the point of this proxy; nothing to report.
    client.on("error", () => undefined);
    if (frozen) {
      frozenSockets.add(client);
      client.on("data", () => undefined);
      return;
    }
    const upstream = createConnection({ host: hostname, port: Number(port) });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => undefined);
    const forward = (from: Socket, to: Socket) =>
      from.on("data", (chunk) => {
        if (frozen) {
          frozenSockets.add(client);
          return;
        }
        to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    setDown: (value) => {
      down = value;
    },
    setFrozen: (value) => {
      frozen = value;
      if (value) {
        // Everything open now is frozen too, whether or not data is flowing.
        for (const socket of sockets) frozenSockets.add(socket);
        return;
      }
      for (const socket of frozenSockets) socket.destroy();
      frozenSockets.clear();
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => ok());
      }),
  };
}
