/**
 * REFERENCE, not the app: the smallest Durable Object relay, the platform's floor for the
 * benchmark. Same runtime, same Hibernation API as the app, but no validation, names, seq, flood
 * guard or coalescing: each frame is sent as-is to the room's other sockets.
 */
import { DurableObject } from "cloudflare:workers";

interface RelayEnv {
  RELAYS: DurableObjectNamespace<Relay>;
}

export class Relay extends DurableObject<RelayEnv> {
  override async fetch(): Promise<Response> {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.send('{"type":"welcome"}');
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    for (const peer of this.ctx.getWebSockets()) {
      if (peer === ws) continue;
      try {
        peer.send(message);
      } catch {
        // Closing already; the relay does not care.
      }
    }
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    try {
      ws.close(code === 1005 ? 1000 : code, "");
    } catch {
      // Already answered by the runtime.
    }
  }
}

export default {
  async fetch(request: Request, env: RelayEnv): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === "/") {
      const room = crypto.randomUUID();
      return new Response(null, { status: 303, headers: { Location: `/${room}`, "Cache-Control": "no-store" } });
    }
    return env.RELAYS.get(env.RELAYS.idFromName(path)).fetch(request);
  },
} satisfies ExportedHandler<RelayEnv>;
