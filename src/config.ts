/**
 * Deployment settings: every default in one place, validated eagerly with errors that name the
 * variable, so a typo in wrangler.toml or the dashboard fails loudly instead of half-working.
 */

export const DEFAULTS = {
  /** How long a room link works after it was minted. */
  ROOM_TTL_SECONDS: 86_400,
  /** Most sockets a room holds at once. */
  MAX_PEERS: 16,
  /** How long typed text stays visible, told to every client in `welcome`. */
  FADE_MS: 5_000,
  /** A socket that neither pinged nor sent a frame for this long is treated as gone. */
  HEARTBEAT_TIMEOUT_MS: 90_000,
} as const;

/**
 * Signs room ids when no ROOM_SECRET is set, so `npm start` works with no setup. It is public:
 * with it anyone can mint ids that never expire. Rooms stay private (that rests on the ids'
 * random bits), but a deployment should set its own secret.
 */
export const DEV_ROOM_SECRET = "phantachat-development-secret-do-not-deploy";

/** What the Worker and the Room read from their environment (vars and secrets). */
export interface ConfigSource {
  ROOM_TTL_SECONDS?: unknown;
  MAX_PEERS?: unknown;
  FADE_MS?: unknown;
  HEARTBEAT_TIMEOUT_MS?: unknown;
  ALLOWED_ORIGINS?: unknown;
  ROOM_SECRET?: unknown;
}

export interface Config {
  roomTtlSeconds: number;
  maxPeers: number;
  fadeMs: number;
  heartbeatTimeoutMs: number;
  /** Browser origins besides the Worker's own that may open a room's WebSocket. */
  allowedOrigins: ReadonlySet<string>;
  roomSecret: string;
  usesDevSecret: boolean;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads and validates settings. Throws {@link ConfigError} naming the first bad variable. */
export function readConfig(env: ConfigSource): Config {
  // An empty secret is an unset one: the deploy button offers ROOM_SECRET with an empty default.
  const secret = env.ROOM_SECRET === "" ? undefined : env.ROOM_SECRET;
  if (secret !== undefined && (typeof secret !== "string" || secret.length < 16)) {
    throw new ConfigError("ROOM_SECRET must be a string of at least 16 characters");
  }
  return {
    roomTtlSeconds: readInteger(env, "ROOM_TTL_SECONDS", 1, 100 * 365 * 86_400),
    maxPeers: readInteger(env, "MAX_PEERS", 2, 32_768),
    fadeMs: readInteger(env, "FADE_MS", 100, 3_600_000),
    heartbeatTimeoutMs: readInteger(env, "HEARTBEAT_TIMEOUT_MS", 1_000, 86_400_000),
    allowedOrigins: readOrigins(env.ALLOWED_ORIGINS),
    roomSecret: secret ?? DEV_ROOM_SECRET,
    usesDevSecret: secret === undefined,
  };
}

/** Reads an integer var, given as a number (wrangler.toml) or a string (dashboard, .dev.vars). */
function readInteger(env: ConfigSource, name: keyof typeof DEFAULTS, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return DEFAULTS[name];
  const n =
    typeof raw === "number" ? raw : typeof raw === "string" && /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

function readOrigins(raw: unknown): ReadonlySet<string> {
  if (raw === undefined || raw === "") return new Set();
  if (typeof raw !== "string") throw new ConfigError(`ALLOWED_ORIGINS must be a comma-separated string`);
  const origins = new Set<string>();
  for (const part of raw.split(",")) {
    const origin = part.trim();
    if (origin === "") continue;
    // Browsers send an Origin as scheme://host[:port] with no path; anything else never matches.
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new ConfigError(
        `ALLOWED_ORIGINS entries must look like https://example.com, got ${JSON.stringify(origin)}`,
      );
    }
    origins.add(origin);
  }
  return origins;
}
