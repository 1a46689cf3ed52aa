/**
 * A conversation you can trust, in real Chromium against a `wrangler dev` of its own with the
 * default FADE_MS (5 s: longer than the 3 s it takes to notice a dead network): a network that
 * freezes without closing, the browser going offline, a blip and a reconnect as the same person,
 * and nothing said twice. Ana's page goes through a proxy that can break her connection; Bo's
 * does not.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { browserPath, launchBrowser } from "../../scripts/browser.ts";
import { type DevServer, startDevServer } from "../../scripts/dev-server.ts";
import {
  closeAll,
  enterRoom,
  laneText,
  myNameOn,
  newRoomUrl,
  type Person,
  recordShown,
  shownSoFar,
  waitConnected,
  waitForLaneText,
  waitForPeople,
} from "../../scripts/people.ts";
import { type CuttableProxy, startProxy } from "./proxy.ts";

const FADE_MS = 5_000;
let server: DevServer;
let browser: Browser;
let proxy: CuttableProxy;
let people: Person[] = [];

/** Ana behind the proxy, Bo direct, both in one room and seeing each other. */
async function pair(): Promise<{ ana: Person; bo: Person; anaName: string; boName: string }> {
  const url = await newRoomUrl(proxy.url);
  const ana = await enterRoom(browser, url);
  const bo = await enterRoom(browser, `${server.url}${new URL(url).pathname}${new URL(url).hash}`);
  people.push(ana, bo);
  await waitForPeople(ana.page, 2);
  await waitForPeople(bo.page, 2);
  return { ana, bo, anaName: await myNameOn(ana.page), boName: await myNameOn(bo.page) };
}

/** Classes of the spans in one's own lane, with their text. */
const mySpans = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll(".lane.mine .line span")].map((s) => [s.textContent ?? "", s.className]),
  );

const noticesOf = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll("#notices p")].map((p) => p.textContent ?? ""));

describe.skipIf(!browserPath)("a conversation you can trust", () => {
  beforeAll(async () => {
    server = await startDevServer({ FADE_MS: String(FADE_MS), ROOM_SECRET: "trust-secret-0123456789" });
    browser = await launchBrowser();
    proxy = await startProxy(server.url);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.stop();
  });
  afterEach(async () => {
    proxy.setFrozen(false);
    proxy.setDown(false);
    const problems = people.flatMap((p) => p.problems).filter((p) => !isExpectedNetworkNoise(p));
    await closeAll(people);
    people = [];
    expect(problems).toEqual([]);
  });

  it("says within 3 s that a frozen network does not hear, strikes what faded, and sends what is fresh once", async () => {
    const { ana, bo, anaName } = await pair();
    await recordShown(bo.page);
    await ana.page.keyboard.type("hello ");
    await waitForLaneText(bo.page, anaName, "hello ");
    // Heard: the room confirmed it (a pong after the burst), so it is no longer pending.
    await ana.page.waitForFunction(() => document.querySelectorAll(".lane.mine .pending").length === 0);

    proxy.setFrozen(true);
    const frozenAt = Date.now();
    await ana.page.keyboard.type("stuck ");
    // Not yet heard: pending, and underlined once it has waited 2.5 s.
    await ana.page.waitForTimeout(2_700);
    expect((await mySpans(ana.page)).some(([text, cls]) => text?.includes("stuck") && cls === "pending")).toBe(true);
    const underline = await ana.page.evaluate(
      () => getComputedStyle(document.querySelector(".lane.mine .pending") ?? document.body).textDecorationLine,
    );
    expect(underline).toBe("underline");
    await ana.page.waitForFunction(() => document.getElementById("status")?.dataset.state === "unheard", null, {
      timeout: 5_000,
    });
    const saidAfter = Date.now() - frozenAt;
    expect(saidAfter).toBeLessThan(3_000 + 700);

    // "stuck" is older than the fade by the time the network is back: struck out, never sent.
    await ana.page.waitForTimeout(Math.max(0, FADE_MS + 300 - (Date.now() - frozenAt)));
    await ana.page.keyboard.type("late");
    proxy.setFrozen(false);
    await waitConnected(ana.page, 15_000);
    await waitForLaneText(bo.page, anaName, "late", 5_000);
    await ana.page.waitForFunction(
      () => ![...document.querySelectorAll(".lane.mine .pending")].some((s) => s.textContent?.includes("late")),
    );
    const shown = (await shownSoFar(bo.page)).join("");
    expect(shown).not.toContain("stuck");
    expect(shown.split("late").length - 1).toBe(1);
    expect((await mySpans(ana.page)).some(([text, cls]) => text?.includes("stuck") && cls === "unsaid")).toBe(true);
  }, 60_000);

  it("says at once that the browser went offline, and carries on when it is back", async () => {
    const { ana, bo, anaName } = await pair();
    await ana.context.setOffline(true);
    await ana.page.waitForFunction(() => document.getElementById("status")?.dataset.state === "offline", null, {
      timeout: 1_000,
    });
    expect(await ana.page.locator("#status").textContent()).toMatch(/offline/i);
    await ana.context.setOffline(false);
    await waitConnected(ana.page, 15_000);
    await ana.page.keyboard.type("back");
    await waitForLaneText(bo.page, anaName, "back");
  }, 40_000);

  it("comes back from a blip as the same person: same id, name and colour, and nothing for the others to read", async () => {
    const { ana, bo, anaName } = await pair();
    const before = await bo.page.evaluate(
      (who) =>
        [...document.querySelectorAll(".lane")].find((l) => l.querySelector(".name")?.textContent === who)?.className,
      anaName,
    );
    proxy.cut();
    await ana.page.waitForFunction(() => document.getElementById("status")?.dataset.state !== "connected");
    await waitConnected(ana.page, 15_000);
    await ana.page.keyboard.type("still me");
    await waitForLaneText(bo.page, anaName, "still me");
    expect(await myNameOn(ana.page)).toBe(anaName);
    const after = await bo.page.evaluate(
      (who) =>
        [...document.querySelectorAll(".lane")].find((l) => l.querySelector(".name")?.textContent === who)?.className,
      anaName,
    );
    expect(after).toBe(before);
    expect(await bo.page.locator(".lane").count()).toBe(2);
    expect((await noticesOf(bo.page)).join("\n")).not.toMatch(/left|joined|is now/);
  }, 40_000);

  it("keeps a letter where it is while the letters before it fade, and the line until it is empty", async () => {
    const { ana, bo, anaName } = await pair();
    await ana.page.keyboard.type("first ");
    await ana.page.waitForTimeout(1_200);
    await ana.page.keyboard.type("second");
    await waitForLaneText(bo.page, anaName, "first second");
    const where = () =>
      bo.page.evaluate((who) => {
        const lane = [...document.querySelectorAll(".lane")].find((l) => l.querySelector(".name")?.textContent === who);
        const span = [...(lane?.querySelectorAll(".line span") ?? [])].find((s) => s.textContent?.includes("second"));
        const r = span?.getBoundingClientRect();
        return r ? [Math.round(r.x), Math.round(r.y)] : null;
      }, anaName);
    const start = await where();
    expect(start).not.toBeNull();
    // "first " has faded (FADE_MS after it was typed) while "second" is still there: nothing moved.
    await bo.page.waitForTimeout(FADE_MS - 1_000);
    expect(await where()).toEqual(start);
    expect(await laneText(bo.page, anaName)).toBe("first second");
  }, 40_000);

  it("starts a new line after a pause of 1.5 s, so bursts never run together", async () => {
    const { ana, bo, anaName } = await pair();
    await ana.page.keyboard.type("as I type it");
    await ana.page.waitForTimeout(1_700);
    await ana.page.keyboard.type("nope");
    await waitForLaneText(bo.page, anaName, "as I type it\nnope");
  }, 40_000);
});

/** A broken connection makes Chromium log its failed handshakes; that is the scenario, not a bug. */
function isExpectedNetworkNoise(problem: string): boolean {
  return /WebSocket connection to .* failed|ERR_CONNECTION|ERR_EMPTY_RESPONSE|ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|Failed to load resource|signal is aborted|TimeoutError/.test(
    problem,
  );
}
