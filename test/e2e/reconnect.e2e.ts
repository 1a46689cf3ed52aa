/**
 * The page survives a dead network: its socket is cut by a proxy (the page sees 1006), it says
 * so, reconnects by itself with the same name, and does not replay words that have vanished.
 */
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { browserPath, launchBrowser } from "../../scripts/browser.ts";
import {
  closeAll,
  enterRoom,
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
import { E2E_VARS } from "./settings.ts";

const FADE_MS = Number(E2E_VARS.FADE_MS);
let browser: Browser;
let proxy: CuttableProxy;
let people: Person[] = [];

describe.skipIf(!browserPath)("reconnecting after the network drops", () => {
  beforeAll(async () => {
    browser = await launchBrowser();
    proxy = await startProxy(inject("baseUrl"));
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
  });
  afterEach(async () => {
    const problems = people.flatMap((p) => p.problems).filter((p) => !isExpectedNetworkNoise(p));
    await closeAll(people);
    people = [];
    expect(problems).toEqual([]);
  });

  it("reconnects by itself after its socket is cut, says so, and carries on with the same name", async () => {
    const url = await newRoomUrl(proxy.url);
    // Only Ana is behind the proxy; Bo stays connected and watches.
    const ana = await enterRoom(browser, url);
    const bo = await enterRoom(browser, `${inject("baseUrl")}${new URL(url).pathname}${new URL(url).hash}`);
    people.push(ana, bo);
    await waitForPeople(ana.page, 2);
    await ana.page.click("#rename");
    await ana.page.fill("#name-input", "Ana");
    await ana.page.press("#name-input", "Enter");
    await waitForLaneText(bo.page, "Ana", "");

    proxy.setDown(true);
    proxy.cut();
    await ana.page.waitForFunction(() => document.getElementById("status")?.dataset.state === "reconnecting");
    expect(await ana.page.locator("#status").textContent()).toMatch(/reconnecting/i);

    await recordShown(bo.page);
    // Typed while down, and down for longer than words stay on screen: never replayed.
    await ana.page.keyboard.type("stale");
    await new Promise((ok) => setTimeout(ok, FADE_MS + 500));
    proxy.setDown(false);
    await waitConnected(ana.page, 20_000);
    expect(await myNameOn(ana.page)).toBe("Ana");

    await ana.page.keyboard.type("back");
    await waitForLaneText(bo.page, "Ana", "back");
    const shown = (await shownSoFar(bo.page)).join("");
    expect(shown).toContain("back");
    expect(shown).not.toContain("stale");
  }, 60_000);

  it("sends words typed during a short drop once it is back, while they are still worth reading", async () => {
    const url = await newRoomUrl(proxy.url);
    // Only Ana is behind the proxy; Bo stays connected and watches.
    const ana = await enterRoom(browser, url);
    const bo = await enterRoom(browser, `${inject("baseUrl")}${new URL(url).pathname}${new URL(url).hash}`);
    people.push(ana, bo);
    await waitForPeople(ana.page, 2);
    const anaName = await myNameOn(ana.page);
    proxy.cut();
    await ana.page.waitForFunction(() => document.getElementById("status")?.dataset.state === "reconnecting");
    await ana.page.keyboard.type("quick");
    await waitConnected(ana.page, 20_000);
    // Ana is back under a new connection id and lane, but her name is the same.
    await waitForLaneText(bo.page, anaName, "quick", FADE_MS);
  }, 60_000);

  it("sends a rename made while disconnected once it is back", async () => {
    const url = await newRoomUrl(proxy.url);
    const ana = await enterRoom(browser, url);
    const bo = await enterRoom(browser, `${inject("baseUrl")}${new URL(url).pathname}${new URL(url).hash}`);
    people.push(ana, bo);
    await waitForPeople(ana.page, 2);
    proxy.setDown(true);
    proxy.cut();
    await ana.page.waitForFunction(() => document.getElementById("status")?.dataset.state === "reconnecting");
    await ana.page.click("#rename");
    await ana.page.fill("#name-input", "Renamed Offline");
    await ana.page.press("#name-input", "Enter");
    proxy.setDown(false);
    await waitConnected(ana.page, 20_000);
    await bo.page.waitForFunction(() =>
      [...document.querySelectorAll(".people-list .name")].some((n) => n.textContent === "Renamed Offline"),
    );
    expect(await myNameOn(ana.page)).toBe("Renamed Offline");
  }, 60_000);
});

/** A cut socket makes Chromium log its failed handshakes; that is the scenario, not a bug. */
function isExpectedNetworkNoise(problem: string): boolean {
  return /WebSocket connection to .* failed|ERR_CONNECTION|ERR_EMPTY_RESPONSE|Failed to load resource/.test(problem);
}
