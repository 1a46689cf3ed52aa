/**
 * REFERENCE, not the app: the bare Node + `ws` relay the benchmark compares against. It has no
 * validation, names, seq or limits; it only does what a relay must (mint a room link, relay each
 * frame to the room's other sockets) so its numbers are the floor of a plain Node server.
 *
 *   node bench/reference/node-relay.ts <port>   → prints "listening <port>" when ready
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { WebSocket, WebSocketServer } from "ws";

const rooms = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

const server = createServer((_req, res) => {
  // Same shape as the app: "/" answers 303 to a fresh room link.
  res.writeHead(303, { Location: `/${randomBytes(12).toString("base64url")}`, "Cache-Control": "no-store" }).end();
});

server.on("upgrade", (req, socket, head) => {
  const room = req.url ?? "/";
  wss.handleUpgrade(req, socket, head, (ws) => {
    const peers = rooms.get(room) ?? new Set<WebSocket>();
    rooms.set(room, peers);
    peers.add(ws);
    // Like the app's welcome, so connect-to-welcome means the same thing for every target.
    ws.send('{"type":"welcome"}');
    ws.on("message", (data, isBinary) => {
      for (const peer of peers)
        if (peer !== ws && peer.readyState === WebSocket.OPEN) peer.send(data, { binary: isBinary });
    });
    ws.on("close", () => {
      peers.delete(ws);
      if (peers.size === 0) rooms.delete(room);
    });
    ws.on("error", () => ws.terminate());
  });
});

server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : "?"}`);
});
