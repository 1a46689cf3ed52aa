/**
 * Where a room's CPU time goes: runs full-rooms load against the app's deploy bundle in bare
 * workerd with the V8 sampling profiler on (workerd's inspector), then splits the samples into
 * our code (functions of the bundle) and the runtime's (native sends and receives, GC, idle).
 *
 *   npm run bench -- --profile [--rooms 8]
 */
import { WebSocket } from "ws";
import { runLoad } from "./load.ts";
import { appVars, freePort, startServer } from "./servers.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface ProfileLine {
  name: string;
  where: string;
  percent: number;
}

export async function profileApp(rooms: number, seconds: number): Promise<ProfileLine[]> {
  const port = await freePort();
  const server = await startServer("app", "workerd", appVars(), port);
  try {
    const targets: unknown = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    const url = Array.isArray(targets) ? findDebuggerUrl(targets) : undefined;
    if (!url) throw new Error(`workerd's inspector lists no target: ${JSON.stringify(targets)}`);
    const cdp = await Cdp.open(url);
    try {
      await cdp.call("Profiler.enable");
      await cdp.call("Profiler.setSamplingInterval", { interval: 200 });
      await cdp.call("Profiler.start");
      await runLoad({
        url: server.url,
        serverPid: server.pid,
        rooms,
        people: 16,
        keysPerSecond: 10,
        warmupMs: 1_000,
        measureMs: seconds * 1000,
      });
      const result = await cdp.call("Profiler.stop");
      return summarise(result);
    } finally {
      cdp.close();
    }
  } finally {
    await server.stop();
  }
}

function findDebuggerUrl(targets: unknown[]): string | undefined {
  for (const t of targets) {
    if (
      typeof t === "object" &&
      t !== null &&
      "webSocketDebuggerUrl" in t &&
      typeof t.webSocketDebuggerUrl === "string"
    ) {
      return t.webSocketDebuggerUrl;
    }
  }
  return undefined;
}

function summarise(result: unknown): ProfileLine[] {
  const nodes = readNodes(result);
  const total = nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0);
  const byName = new Map<string, { where: string; hits: number }>();
  for (const n of nodes) {
    const { functionName, url, lineNumber } = n.callFrame;
    const name = functionName || "(anonymous)";
    const where = url ? `${url.split("/").at(-1)}:${lineNumber + 1}` : "runtime";
    const key = `${name}@${where}`;
    const entry = byName.get(key) ?? { where, hits: 0 };
    entry.hits += n.hitCount ?? 0;
    byName.set(key, entry);
  }
  return [...byName.entries()]
    .map(([key, v]) => ({
      name: key.split("@")[0] ?? key,
      where: v.where,
      percent: (100 * v.hits) / Math.max(1, total),
    }))
    .sort((a, b) => b.percent - a.percent);
}

function readNodes(result: unknown): ProfileNode[] {
  if (typeof result !== "object" || result === null || !("profile" in result)) throw new Error("no profile");
  const profile = result.profile;
  if (typeof profile !== "object" || profile === null || !("nodes" in profile) || !Array.isArray(profile.nodes)) {
    throw new Error("profile without nodes");
  }
  const nodes: ProfileNode[] = [];
  for (const n of profile.nodes) {
    const frame = typeof n === "object" && n !== null && "callFrame" in n ? n.callFrame : undefined;
    if (typeof frame !== "object" || frame === null) continue;
    const name = "functionName" in frame && typeof frame.functionName === "string" ? frame.functionName : "";
    const url = "url" in frame && typeof frame.url === "string" ? frame.url : "";
    const line = "lineNumber" in frame && typeof frame.lineNumber === "number" ? frame.lineNumber : 0;
    const hits = "hitCount" in n && typeof n.hitCount === "number" ? n.hitCount : 0;
    nodes.push({ id: nodes.length, callFrame: { functionName: name, url, lineNumber: line }, hitCount: hits });
  }
  return nodes;
}

/** The few Chrome DevTools Protocol calls the profiler needs, over the inspector's WebSocket. */
class Cdp {
  #next = 1;
  readonly #pending = new Map<number, (result: unknown) => void>();
  readonly #ws: WebSocket;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on("message", (data) => {
      const msg: unknown = JSON.parse(String(data));
      if (typeof msg !== "object" || msg === null || !("id" in msg) || typeof msg.id !== "number") return;
      this.#pending.get(msg.id)?.("result" in msg ? msg.result : msg);
      this.#pending.delete(msg.id);
    });
  }

  static open(url: string): Promise<Cdp> {
    const ws = new WebSocket(url);
    return new Promise((ok, fail) => {
      ws.once("open", () => ok(new Cdp(ws)));
      ws.once("error", fail);
    });
  }

  call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#next++;
    return new Promise((ok) => {
      this.#pending.set(id, ok);
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.#ws.close();
  }
}
