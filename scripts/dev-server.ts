/**
 * Starts the real app under `wrangler dev` (workerd, offline) on a free port, and stops its whole
 * process group afterwards. Used by the browser tests, the benchmark and the screenshot script,
 * each with its own settings.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

export interface DevServer {
  url: string;
  /** The `wrangler dev` process; its workerd runs as a child in the same process group. */
  pid: number;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  /** Another wrangler config (the benchmark's reference relay). Defaults to the app's. */
  config?: string | undefined;
  /** Pins wrangler and its workerd to this CPU core with `taskset` (the benchmark's server side). */
  cpu?: number | undefined;
}

/** Starts `wrangler dev` with `vars` given as `--var` (they override wrangler.toml's). */
export async function startDevServer(
  vars: Readonly<Record<string, string>>,
  options: DevServerOptions = {},
): Promise<DevServer> {
  const root = resolve(import.meta.dirname, "..");
  const args = ["dev", "--ip", "127.0.0.1", "--port", "0", "--inspector-port", "0", "--log-level", "info"];
  if (options.config) args.push("--config", options.config);
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const wrangler = resolve(root, "node_modules/.bin/wrangler");
  const pinned = options.cpu === undefined ? [] : ["taskset", "-c", String(options.cpu)];
  const [command = wrangler, ...commandArgs] = [...pinned, wrangler, ...args];
  const child = spawn(command, commandArgs, {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      // wrangler needs the Node 24 of node_modules/.bin, also when started outside an npm script.
      PATH: `${resolve(root, "node_modules/.bin")}:${process.env.PATH ?? ""}`,
      // Offline: no telemetry, no update check, no Request.cf lookup.
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_SEND_ERROR_REPORTS: "false",
      WRANGLER_HIDE_BANNER: "true",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      NO_COLOR: "1",
    },
  });
  let output = "";
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`wrangler dev did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        ok(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`wrangler dev exited with ${code}:\n${output}`));
    });
  });
  if (child.pid === undefined) throw new Error("wrangler dev has no pid");
  return { url, pid: child.pid, stop: () => stopGroup(child) };
}

export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // Already gone.
    return;
  }
  const killer = setTimeout(() => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Exited between the timer and the kill.
    }
  }, 5_000);
  await exited;
  clearTimeout(killer);
}
