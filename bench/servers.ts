/**
 * The servers a benchmark drives: the app and the two references, each in the runtime a
 * scenario asks for. Every server is pinned to CPU 0 when `taskset` exists (the load generator
 * takes CPU 1), and every one is stopped by its process group, so nothing outlives a run.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { startDevServer, stopGroup } from "../scripts/dev-server.ts";

export const ROOT = resolve(import.meta.dirname, "..");
export const SERVER_CPU = 0;
export const LOAD_CPU = 1;

export type TargetName = "app" | "do-relay" | "node-relay";
export type Runtime = "wrangler-dev" | "workerd" | "node";

export interface Server {
  target: TargetName;
  runtime: Runtime;
  url: string;
  /** Root of the process tree whose CPU time and memory count as the server's. */
  pid: number;
  stop(): Promise<void>;
}

/** The app's settings for a benchmark run; MAX_PEERS is raised for the one-big-room scenario. */
export function appVars(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ROOM_SECRET: "bench-secret-not-for-production",
    ROOM_TTL_SECONDS: "86400",
    MAX_PEERS: "16",
    FADE_MS: "5000",
    HEARTBEAT_TIMEOUT_MS: "90000",
    ALLOWED_ORIGINS: "",
    ...overrides,
  };
}

export const hasTaskset = ((): boolean => {
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

function pinned(cpu: number): string[] {
  return hasTaskset ? ["taskset", "-c", String(cpu)] : [];
}

const quietEnv = {
  ...process.env,
  // wrangler needs the Node 24 of node_modules/.bin, also when this runs outside an npm script.
  PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH ?? ""}`,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_COLOR: "1",
};

export async function startServer(
  target: TargetName,
  runtime: Runtime,
  vars = appVars(),
  inspectorPort?: number,
): Promise<Server> {
  if (target === "node-relay") return startNodeRelay();
  if (runtime === "wrangler-dev") {
    const config = target === "app" ? undefined : join(ROOT, "bench/reference/wrangler.toml");
    const cpu = hasTaskset ? SERVER_CPU : undefined;
    const dev = await startDevServer(target === "app" ? vars : {}, { config, cpu });
    return { target, runtime, ...dev };
  }
  return startWorkerd(target, vars, inspectorPort);
}

/** The exact bundle `wrangler deploy` would upload, built once per run per target. */
const bundles = new Map<TargetName, string>();
function deployBundle(target: TargetName): string {
  const cached = bundles.get(target);
  if (cached) return cached;
  const outdir = join(tmpdir(), `phantachat-bench-${process.pid}`, target);
  mkdirSync(outdir, { recursive: true });
  const config = target === "app" ? [] : ["--config", join(ROOT, "bench/reference/wrangler.toml")];
  execFileSync(join(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", outdir, ...config], {
    cwd: ROOT,
    env: quietEnv,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const bundle = join(outdir, target === "app" ? "worker.js" : "do-relay.js");
  if (!existsSync(bundle)) throw new Error(`wrangler did not write ${bundle}`);
  bundles.set(target, bundle);
  return bundle;
}

/** The deploy bundle in bare `workerd serve`: no dev proxy, no inspector, in-memory DO storage. */
async function startWorkerd(target: TargetName, vars: Record<string, string>, inspectorPort?: number): Promise<Server> {
  const bundle = deployBundle(target);
  const port = await freePort();
  const compatibilityDate = /^compatibility_date\s*=\s*"([\d-]+)"/m.exec(
    readFileSync(join(ROOT, "wrangler.toml"), "utf8"),
  )?.[1];
  if (!compatibilityDate) throw new Error("wrangler.toml has no compatibility_date");
  const className = target === "app" ? "Room" : "Relay";
  const bindings = [
    `(name = "${target === "app" ? "ROOMS" : "RELAYS"}", durableObjectNamespace = "${className}")`,
    ...(target === "app"
      ? Object.entries(vars).map(([k, v]) => `(name = ${JSON.stringify(k)}, text = ${JSON.stringify(v)})`)
      : []),
  ];
  // Next to the bundle: capnp resolves `embed` paths relative to the config file.
  const config = join(bundle, "..", `workerd-${port}.capnp`);
  writeFileSync(
    config,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed ${JSON.stringify(basename(bundle))})],
  compatibilityDate = "${compatibilityDate}",
  bindings = [${bindings.join(", ")}],
  durableObjectNamespaces = [(className = "${className}", uniqueKey = "bench-${className}", enableSql = true)],
  durableObjectStorage = (inMemory = void),
);
`,
  );
  const workerd = join(ROOT, "node_modules/.bin/workerd");
  const inspector = inspectorPort === undefined ? [] : [`--inspector-addr=127.0.0.1:${inspectorPort}`];
  const child = spawnGroup([...pinned(SERVER_CPU), workerd, "serve", config, ...inspector]);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child);
  return { target, runtime: "workerd", url, pid: pidOf(child), stop: () => stopGroup(child) };
}

async function startNodeRelay(): Promise<Server> {
  const port = await freePort();
  const child = spawnGroup([
    ...pinned(SERVER_CPU),
    process.execPath,
    join(ROOT, "bench/reference/node-relay.ts"),
    String(port),
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child);
  return { target: "node-relay", runtime: "node", url, pid: pidOf(child), stop: () => stopGroup(child) };
}

function spawnGroup(argv: string[]): ChildProcess {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error("empty command");
  const child = spawn(command, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
    env: quietEnv,
  });
  return child;
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error("server process did not start");
  return child.pid;
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was up`);
    try {
      await fetch(url, { redirect: "manual" });
      return;
    } catch {
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
  await stopGroup(child);
  throw new Error(`server at ${url} was not up within 30 s`);
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? ok(port) : fail(new Error("no free port"))));
    });
  });
}
