/**
 * Finds a Chromium-family browser on this machine and launches it headless with playwright-core.
 * Nothing here downloads a browser: CI installs Debian's `chromium`, and a machine without one
 * gets the browser tests skipped, loudly.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
];

export const browserPath = CANDIDATES.find((path): path is string => !!path && existsSync(path));

if (!browserPath) {
  console.error(
    "\n" +
      "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n" +
      "!! NO CHROMIUM FOUND: the browser tests are SKIPPED, not passed.      !!\n" +
      "!! Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH. !!\n" +
      "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n",
  );
}

export function launchBrowser(): Promise<Browser> {
  if (!browserPath) throw new Error("no Chromium-family browser on this machine");
  return chromium.launch({
    executablePath: browserPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // No DNS lookups of its own (this machine has no network); tests use 127.0.0.1.
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ],
  });
}
