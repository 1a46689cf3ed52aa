import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const wrangler = { configPath: "./wrangler.toml" };
// A fixed test secret (tests mint ids with it) and one extra allowed origin to test that list.
const bindings = { ROOM_SECRET: "test-secret-not-for-production", ALLOWED_ORIGINS: "https://friend.example" };

export default defineConfig({
  test: {
    projects: [
      {
        // The Worker and the Room inside workerd, with the settings of wrangler.toml.
        plugins: [cloudflareTest({ wrangler, miniflare: { bindings } })],
        test: { name: "workers", include: ["test/*.test.ts"], testTimeout: 20_000 },
      },
      {
        // Behaviour that takes real time to show (expiry, dead sockets), with short timeouts
        // so it shows in seconds instead of a day.
        plugins: [
          cloudflareTest({
            wrangler,
            miniflare: { bindings: { ...bindings, ROOM_TTL_SECONDS: 3, HEARTBEAT_TIMEOUT_MS: 1500 } },
          }),
        ],
        test: { name: "workers-short-timeouts", include: ["test/short-timeouts/*.test.ts"], testTimeout: 20_000 },
      },
      {
        // The page in real Chromium against the real app under `wrangler dev` (test/e2e).
        test: {
          name: "e2e",
          include: ["test/e2e/*.e2e.ts"],
          environment: "node",
          globalSetup: ["test/e2e/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
