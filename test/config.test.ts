import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULTS, DEV_ROOM_SECRET, readConfig } from "../src/config.ts";

describe("readConfig", () => {
  it("uses the documented defaults when nothing is set", () => {
    const config = readConfig({});
    expect(config).toMatchObject({
      roomTtlSeconds: DEFAULTS.ROOM_TTL_SECONDS,
      maxPeers: DEFAULTS.MAX_PEERS,
      fadeMs: DEFAULTS.FADE_MS,
      heartbeatTimeoutMs: DEFAULTS.HEARTBEAT_TIMEOUT_MS,
      roomSecret: DEV_ROOM_SECRET,
      usesDevSecret: true,
    });
    expect(config.allowedOrigins.size).toBe(0);
    expect(DEFAULTS).toEqual({
      ROOM_TTL_SECONDS: 86_400,
      MAX_PEERS: 16,
      FADE_MS: 5_000,
      HEARTBEAT_TIMEOUT_MS: 90_000,
    });
  });

  it("reads numbers from wrangler.toml and numeric strings from the dashboard", () => {
    expect(readConfig({ MAX_PEERS: 4, FADE_MS: "2500", ROOM_TTL_SECONDS: " 60 " })).toMatchObject({
      maxPeers: 4,
      fadeMs: 2_500,
      roomTtlSeconds: 60,
    });
  });

  it("names the variable and the bad value when a setting is wrong", () => {
    expect(() => readConfig({ FADE_MS: "abc" })).toThrow(
      new ConfigError('FADE_MS must be an integer from 100 to 3600000, got "abc"'),
    );
    expect(() => readConfig({ MAX_PEERS: 1 })).toThrow(/MAX_PEERS/);
    expect(() => readConfig({ MAX_PEERS: 2.5 })).toThrow(/MAX_PEERS/);
    expect(() => readConfig({ ROOM_TTL_SECONDS: -5 })).toThrow(/ROOM_TTL_SECONDS/);
    expect(() => readConfig({ HEARTBEAT_TIMEOUT_MS: "1e9" })).toThrow(/HEARTBEAT_TIMEOUT_MS/);
    expect(() => readConfig({ ROOM_SECRET: "short" })).toThrow(/ROOM_SECRET/);
    expect(() => readConfig({ ALLOWED_ORIGINS: "https://a.example/path" })).toThrow(/ALLOWED_ORIGINS/);
    expect(() => readConfig({ ALLOWED_ORIGINS: 5 })).toThrow(/ALLOWED_ORIGINS/);
  });

  it("parses ALLOWED_ORIGINS as a comma-separated list of origins", () => {
    const { allowedOrigins } = readConfig({ ALLOWED_ORIGINS: " https://a.example, http://localhost:3000 ,," });
    expect([...allowedOrigins]).toEqual(["https://a.example", "http://localhost:3000"]);
  });

  it("uses a deployment's ROOM_SECRET, and treats an empty one as unset", () => {
    expect(readConfig({ ROOM_SECRET: "a-long-enough-secret" })).toMatchObject({
      roomSecret: "a-long-enough-secret",
      usesDevSecret: false,
    });
    expect(readConfig({ ROOM_SECRET: "" })).toMatchObject({ roomSecret: DEV_ROOM_SECRET, usesDevSecret: true });
  });
});
