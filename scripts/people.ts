/**
 * People for the browser tests: each is a separate browser context (own storage, own socket)
 * with a page that records every uncaught error, console error and CSP violation.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { newLinkKey } from "../src/room-crypto.ts";

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors, console errors and CSP violations seen on this page so far. */
  problems: string[];
}

/**
 * A client address of its own for each person, as if each were on their own network: the
 * Worker rate-limits connects and mints per address, and wrangler dev keeps a CF-Connecting-IP
 * that the client sends (Cloudflare itself would overwrite it).
 */
export function personalAddress(): Record<string, string> {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return { "CF-Connecting-IP": `10.${a}.${b}.${c}` };
}

export async function openPerson(browser: Browser, url: string, options: BrowserContextOptions = {}): Promise<Person> {
  const context = await browser.newContext({
    ...options,
    extraHTTPHeaders: { ...personalAddress(), ...options.extraHTTPHeaders },
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const origin = new URL(url).origin;
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  // The page must make no third-party request of any kind (fonts, analytics, CDNs).
  page.on("request", (request) => {
    const target = request.url();
    if (!target.startsWith(`${origin}/`) && !target.startsWith(origin.replace("http", "ws"))) {
      problems.push(`third-party request: ${target}`);
    }
  });
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  await page.goto(url);
  return { context, page, problems };
}

/**
 * Mints a room the way a visitor does, by opening `${base}/`, and returns its full link, key
 * included: what the first page makes of `/<room>#new`, so that everyone a test sends to it
 * shares one key.
 */
export async function newRoomUrl(base: string): Promise<string> {
  const res = await fetch(`${base}/`, { redirect: "manual", headers: personalAddress() });
  const location = res.headers.get("Location");
  if (res.status !== 303 || !location?.endsWith("#new")) throw new Error(`GET / gave ${res.status} ${location}`);
  return `${base}${location.slice(0, -"#new".length)}#k=${newLinkKey()}`;
}

/** Opens a page on the room and waits until it is connected. */
export async function enterRoom(browser: Browser, url: string, options?: BrowserContextOptions): Promise<Person> {
  const person = await openPerson(browser, url, options);
  await waitConnected(person.page);
  return person;
}

/**
 * Waits until this page shows `count` people (lanes), itself included. A page sends nothing
 * while it believes it is alone, so a test must let it see a newcomer before typing to them.
 */
export async function waitForPeople(page: Page, count: number, timeout = 10_000): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll(".lane").length === n, count, { timeout });
}

export async function waitConnected(page: Page, timeout = 10_000): Promise<void> {
  await page.waitForFunction(() => document.getElementById("status")?.dataset.state === "connected", null, {
    timeout,
  });
}

/** The name this person's page shows for them. */
export async function myNameOn(page: Page): Promise<string> {
  return (await page.locator("#my-name").textContent()) ?? "";
}

/** A lane's words as shown: its lines, each line's text, joined with newlines. */
export async function laneText(page: Page, name: string): Promise<string | null> {
  return page.evaluate(readLane, name);
}

/** Runs in the page: the text of the lane whose person is shown as `who`, or null. */
function readLane(who: string): string | null {
  for (const lane of document.querySelectorAll(".lane")) {
    if (lane.querySelector(".who .name")?.textContent !== who) continue;
    return [...lane.querySelectorAll(".words .line")].map((line) => line.textContent ?? "").join("\n");
  }
  return null;
}

export async function waitForLaneText(page: Page, name: string, text: string, timeout = 5_000): Promise<void> {
  await page.waitForFunction(
    ([who, expected]) => {
      for (const lane of document.querySelectorAll(".lane")) {
        if (lane.querySelector(".who .name")?.textContent !== who) continue;
        const lines = [...lane.querySelectorAll(".words .line")].map((line) => line.textContent ?? "");
        return lines.join("\n") === expected;
      }
      return false;
    },
    [name, text] as const,
    { timeout },
  );
}

export async function closeAll(people: Person[]): Promise<void> {
  await Promise.all(people.map((p) => p.context.close()));
}

/** Starts noting every piece of text `page` shows, so something that faded again cannot hide. */
export async function recordShown(page: Page): Promise<void> {
  await page.evaluate(() => {
    const shown: string[] = [];
    Object.assign(window, { shown });
    new MutationObserver((records) => {
      // Letters arrive as spans, or as text added to the newest span: lines come empty.
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.nodeType === Node.TEXT_NODE || node.nodeName === "SPAN") shown.push(node.textContent ?? "");
        }
      }
    }).observe(document.getElementById("lanes") ?? document.body, { childList: true, subtree: true });
  });
}

/** Everything `page` has shown since recordShown(), in order. */
export async function shownSoFar(page: Page): Promise<string[]> {
  return page.evaluate(() => ("shown" in window && Array.isArray(window.shown) ? window.shown.map(String) : []));
}
