/**
 * The page around the words, in real Chromium against `wrangler dev` (FADE_MS 2000, MAX_PEERS 3):
 * keys always land in the field, a phone layout that holds still, calm notices, and attention
 * while the tab is hidden.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { browserPath, launchBrowser } from "../../scripts/browser.ts";
import {
  closeAll,
  enterRoom,
  myNameOn,
  newRoomUrl,
  openPerson,
  type Person,
  waitForLaneText,
  waitForPeople,
} from "../../scripts/people.ts";

const baseUrl = inject("baseUrl");
let browser: Browser;
let people: Person[] = [];

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 };

async function enter(url: string, options?: Parameters<typeof enterRoom>[2]): Promise<Person> {
  const person = await enterRoom(browser, url, options);
  people.push(person);
  return person;
}

/** Plays the browser's part of hiding the tab (headless Chromium never hides one; see chat.e2e.ts). */
function setHidden(page: Page, hidden: boolean): Promise<void> {
  return page.evaluate((value) => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => value });
    Object.defineProperty(document, "visibilityState", {
      configurable: true,
      get: () => (value ? "hidden" : "visible"),
    });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

describe.skipIf(!browserPath)("the page around the words", () => {
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    const problems = people.flatMap((p) => p.problems);
    await closeAll(people);
    people = [];
    expect(problems).toEqual([]);
  });

  it("sends every key to the field after the invite, the copy button or a rename, and Space never toggles the invite", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url, { permissions: ["clipboard-read", "clipboard-write"] });
    const bo = await enter(url);
    await waitForPeople(ana.page, 2);
    const anaName = await myNameOn(ana.page);
    const open = () => ana.page.evaluate(() => (document.getElementById("invite") as HTMLDetailsElement).open);
    await ana.page.click("#invite summary");
    const opened = await open();
    await ana.page.click("#invite summary");
    expect(await open()).toBe(!opened);
    await ana.page.keyboard.type("one two ");
    await ana.page.click("#invite summary");
    await ana.page.keyboard.type("three");
    await waitForLaneText(bo.page, anaName, "one two three");
    // The typing went to the field, not to the invite: Space did not toggle it back.
    expect(await open()).toBe(opened);
    await ana.page.click("#copy");
    await ana.page.keyboard.type(" four");
    await waitForLaneText(bo.page, anaName, "one two three four");
    expect(await ana.page.evaluate(() => document.activeElement?.id)).toBe("compose");
  });

  it("holds still on a 390 px phone through a three-person conversation: layout shift under 0.1", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const bo = await enter(url);
    const cy = await enter(url, PHONE);
    for (const p of [ana, bo, cy]) await waitForPeople(p.page, 3);
    await cy.page.waitForTimeout(1_500);
    await cy.page.evaluate(() => {
      const shifts: number[] = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          // Shifts the reader caused by typing do not count (the CLS definition).
          if ("value" in entry && "hadRecentInput" in entry && entry.hadRecentInput === false) {
            shifts.push(Number(entry.value));
          }
        }
      }).observe({ type: "layout-shift", buffered: false });
      Object.assign(window, { shifts });
    });
    const lines = [
      "did you see the sunrise this morning? ",
      "I was still asleep, was it good? ",
      "we should go up the hill ",
    ];
    for (let round = 0; round < 2; round++) {
      await Promise.all([ana, bo, cy].map((p, i) => p.page.keyboard.type(lines[i] ?? "", { delay: 25 })));
      await cy.page.waitForTimeout(1_800);
    }
    // A status change on the phone: the header stays one line.
    const barHeight = () => cy.page.evaluate(() => document.querySelector(".bar")?.getBoundingClientRect().height ?? 0);
    const before = await barHeight();
    await cy.context.setOffline(true);
    await cy.page.waitForFunction(() => document.getElementById("status")?.dataset.state === "offline");
    expect(await barHeight()).toBe(before);
    await cy.context.setOffline(false);
    await cy.page.waitForFunction(() => document.getElementById("status")?.dataset.state === "connected", null, {
      timeout: 15_000,
    });
    await cy.page.waitForTimeout(500);
    const cls = await cy.page.evaluate(() =>
      ("shifts" in window && Array.isArray(window.shifts) ? window.shifts.map(Number) : []).reduce((a, b) => a + b, 0),
    );
    console.log(`layout shift on a 390 px phone, three-person conversation: ${cls.toFixed(4)}`);
    expect(cls).toBeLessThan(0.1);
  }, 60_000);

  it("keeps your own words and the field in view when a phone's keyboard takes half the screen", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const cy = await enter(url, PHONE);
    await waitForPeople(cy.page, 2);
    // What a keyboard leaves of a 390 × 844 phone: the page must fit in it.
    await cy.page.setViewportSize({ width: 390, height: 480 });
    await cy.page.keyboard.type("typing with the keyboard up");
    const geometry = await cy.page.evaluate(() => {
      const field = document.getElementById("compose")?.getBoundingClientRect();
      const mine = document.querySelector(".lane.mine .words")?.getBoundingClientRect();
      return {
        fieldBottom: field?.bottom ?? 0,
        fieldTop: field?.top ?? 0,
        mineBottom: mine?.bottom ?? 0,
        height: innerHeight,
      };
    });
    expect(geometry.fieldBottom).toBeLessThanOrEqual(geometry.height);
    expect(geometry.mineBottom).toBeLessThanOrEqual(geometry.fieldTop);
    expect(geometry.mineBottom).toBeGreaterThan(0);
    expect(ana.problems).toEqual([]);
  });

  it("says that nobody hears you while you are alone, and that a full room is full where the field is", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    await ana.page.waitForFunction(() => document.getElementById("hint")?.textContent?.includes("nobody hears you"));
    const bo = await enter(url);
    await ana.page.waitForFunction(() => !document.getElementById("hint")?.textContent?.includes("nobody hears you"));
    await enter(url);
    const late = await openPerson(browser, url);
    people.push(late);
    await late.page.waitForFunction(() => document.getElementById("status")?.dataset.state === "full");
    expect(await late.page.locator("#compose").getAttribute("placeholder")).toBe("This room is full");
    expect(await late.page.locator("#compose").isDisabled()).toBe(true);
    expect(bo.problems).toEqual([]);
  });

  it("says in the tab's title that someone spoke while it was hidden, and what was missed on coming back", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const bo = await enter(url);
    await waitForPeople(ana.page, 2);
    const boName = await myNameOn(bo.page);
    const title = await ana.page.title();
    await setHidden(ana.page, true);
    await bo.page.keyboard.type("are you there?");
    await ana.page.waitForFunction(() => document.title.startsWith("●"));
    expect(await ana.page.locator('link[rel="icon"]').getAttribute("href")).toBe("/favicon-dot.svg");
    await setHidden(ana.page, false);
    expect(await ana.page.title()).toBe(title);
    await ana.page.waitForFunction(
      (name) =>
        [...document.querySelectorAll("#notices p")].some((p) => p.textContent?.includes(`${name} said things`)),
      boName,
    );
  });
});
