/**
 * The chat page in real Chromium against the real app under `wrangler dev` (FADE_MS 2000,
 * MAX_PEERS 3: see dev-server.ts). Each person is a browser context of their own.
 */
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { browserPath, launchBrowser } from "../../scripts/browser.ts";
import {
  closeAll,
  enterRoom,
  myNameOn,
  newRoomUrl,
  openPerson,
  type Person,
  recordShown,
  shownSoFar,
  waitConnected,
  waitForLaneText,
  waitForPeople,
} from "../../scripts/people.ts";
import { isRecord } from "../../src/protocol.ts";
import { linkKeyOf, openKeys, roomKeys } from "../../src/room-crypto.ts";
import { importRoomKey, mintRoomId } from "../../src/room-id.ts";
import { E2E_VARS } from "./settings.ts";

const FADE_MS = Number(E2E_VARS.FADE_MS);
const baseUrl = inject("baseUrl");
let browser: Browser;
let people: Person[] = [];

/** Enters a room and waits until everyone already there sees the newcomer. */
async function enter(url: string, options?: Parameters<typeof enterRoom>[2]): Promise<Person> {
  const person = await enterRoom(browser, url, options);
  const room = new URL(url).pathname;
  const here = people.filter((p) => new URL(p.page.url()).pathname === room);
  people.push(person);
  for (const earlier of here) await waitForPeople(earlier.page, here.length + 1);
  return person;
}

describe.skipIf(!browserPath)("the chat page in Chromium", () => {
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    // No uncaught errors, console errors or CSP violations on any page, in any test.
    const problems = people.flatMap((p) => p.problems);
    await closeAll(people);
    people = [];
    expect(problems).toEqual([]);
  });

  it("lands a visitor of / in a new, empty room with a share link, a QR code and focus in the field", async () => {
    const ana = await enter(`${baseUrl}/`);
    const { page } = ana;
    expect(new URL(page.url()).pathname).toMatch(/^\/[A-Za-z0-9]{1,24}$/);
    expect(await page.locator("#invite-text").textContent()).toContain("new and empty");
    expect(await page.inputValue("#share-link")).toBe(page.url());
    expect(await page.locator("#qr path").getAttribute("d")).toMatch(/^M\d+ \d+h1v1h-1z/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("compose");
    // Clicking somewhere that is not a control gives the field its focus back.
    await page.locator(".people").click({ position: { x: 5, y: 5 } });
    await page.mouse.click(5, 300);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("compose");
  });

  it("copies the link with one click", async () => {
    const url = await newRoomUrl(baseUrl);
    const { page } = await enter(url, { permissions: ["clipboard-read", "clipboard-write"] });
    await page.click("#copy");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    expect(await page.locator("#copy").textContent()).toBe("Copied!");
  });

  it("shows keystrokes live in the other window, without Enter, and says who arrived", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const bo = await enter(url);
    const anaName = await myNameOn(ana.page);
    await ana.page.waitForFunction(() => document.querySelectorAll(".lane").length === 2);
    expect(await ana.page.locator("#invite-text").textContent()).toContain("1 other person is here");
    await ana.page.keyboard.type("hi b");
    await waitForLaneText(bo.page, anaName, "hi b");
    await waitForLaneText(ana.page, anaName, "hi b");
    // The field stays empty: typed text lives in the lanes, and fades there.
    expect(await ana.page.inputValue("#compose")).toBe("");
  });

  it("sends nothing while alone: words said to an empty room stay on screen and never reach the wire", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    // Watch every frame the page sends, on a socket opened after the listener is in place.
    const sent: string[] = [];
    ana.page.on("websocket", (ws) => ws.on("framesent", (f) => sent.push(String(f.payload))));
    await ana.page.reload();
    await waitConnected(ana.page);
    const anaName = await myNameOn(ana.page);
    await ana.page.keyboard.type("anyone?");
    await waitForLaneText(ana.page, anaName, "anyone?");
    const bo = await enter(url);
    await ana.page.keyboard.type("hi");
    await waitForLaneText(bo.page, anaName, "hi");
    // Everything that went out as keys, in order, opened with the link's key: only what was said
    // once Bo was there.
    const keys = await roomKeys(linkKeyOf(new URL(url).hash) ?? new Uint8Array(16), new URL(url).pathname.slice(1));
    const anaId = await ana.page.evaluate(() => document.querySelector(".lane.mine")?.getAttribute("data-id") ?? "");
    const said: string[] = [];
    for (const f of sent) {
      if (f === "ping") continue;
      const frame: unknown = JSON.parse(f);
      if (!isRecord(frame) || frame.type !== "keys" || typeof frame.c !== "string") continue;
      said.push((await openKeys(keys, anaId, frame.c))?.text ?? "?");
    }
    expect(said.join("")).toBe("hi");
  });

  it("sends text inserted by an input method (insertText, no key events) live", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const bo = await enter(url);
    const anaName = await myNameOn(ana.page);
    await ana.page.keyboard.insertText("你好");
    await waitForLaneText(bo.page, anaName, "你好");
    await ana.page.keyboard.insertText("世界");
    await waitForLaneText(bo.page, anaName, "你好世界");
  });

  it("erases nothing: Backspace, Delete, undo and select-all-then-type leave what was said", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const bo = await enter(url);
    const anaName = await myNameOn(ana.page);
    const { page } = ana;
    await page.keyboard.type("abc");
    for (const key of ["Backspace", "Backspace", "Delete", "Control+z", "Control+a"]) await page.keyboard.press(key);
    await page.keyboard.type("d");
    await waitForLaneText(bo.page, anaName, "abcd");
    await waitForLaneText(page, anaName, "abcd");
    expect(await page.locator("#hint").textContent()).toMatch(/No (backspace|undo)/);
  });

  it("says an IME composition only when it is committed, never the letters being composed", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const bo = await enter(url);
    const anaName = await myNameOn(ana.page);
    await recordShown(bo.page);
    // What a Japanese IME does for "nihon" → 日本: compose romaji, then commit the kanji.
    const cdp = await ana.context.newCDPSession(ana.page);
    for (const text of ["n", "に", "にh", "にほ", "にほn", "にほん"]) {
      await cdp.send("Input.imeSetComposition", { text, selectionStart: text.length, selectionEnd: text.length });
    }
    expect(await ana.page.inputValue("#compose")).toBe("にほん");
    await cdp.send("Input.insertText", { text: "日本" });
    await waitForLaneText(bo.page, anaName, "日本");
    await ana.page.keyboard.type("!");
    await waitForLaneText(bo.page, anaName, "日本!");
    expect(await ana.page.inputValue("#compose")).toBe("");
    // The letters being composed were never said: only the committed text and what followed.
    expect((await shownSoFar(bo.page)).filter((t) => t !== "")).toEqual(["日本", "!"]);
  });

  it("starts a new line on Enter", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const bo = await enter(url);
    await ana.page.keyboard.type("one");
    await ana.page.keyboard.press("Enter");
    await ana.page.keyboard.type("two");
    await waitForLaneText(bo.page, await myNameOn(ana.page), "one\ntwo");
  });

  it("refuses paste and says so on the page", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url, { permissions: ["clipboard-read", "clipboard-write"] });
    const bo = await enter(url);
    await ana.page.evaluate(() => navigator.clipboard.writeText("pasted words"));
    await ana.page.keyboard.press("Control+v");
    await ana.page.waitForFunction(() => document.getElementById("hint")?.textContent?.includes("No pasting"));
    await ana.page.keyboard.type("x");
    await waitForLaneText(bo.page, await myNameOn(ana.page), "x");
  });

  it("makes text vanish from both windows after fadeMs", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const bo = await enter(url);
    const anaName = await myNameOn(ana.page);
    await ana.page.keyboard.type("fleeting");
    await waitForLaneText(bo.page, anaName, "fleeting");
    const seenAt = Date.now();
    await waitForLaneText(bo.page, anaName, "", FADE_MS + 1_000);
    await waitForLaneText(ana.page, anaName, "", 1_000);
    const lasted = Date.now() - seenAt;
    expect(lasted).toBeGreaterThan(FADE_MS - 500);
    expect(lasted).toBeLessThan(FADE_MS + 1_000);
  });

  it("removes text on time without animation when reduced motion is asked for", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const bo = await enter(url, { reducedMotion: "reduce" });
    const anaName = await myNameOn(ana.page);
    await ana.page.keyboard.type("still");
    await waitForLaneText(bo.page, anaName, "still");
    // Letters still go on time, but nothing fades: no animation of this page changes opacity.
    const fading = await bo.page.evaluate(() =>
      document.getAnimations().filter((a) => {
        const effect = a.effect;
        return effect instanceof KeyframeEffect && effect.getKeyframes().some((k) => "opacity" in k);
      }),
    );
    expect(fading.length).toBe(0);
    expect(await bo.page.evaluate(() => document.getAnimations().length)).toBeGreaterThan(0);
    await waitForLaneText(bo.page, anaName, "", FADE_MS + 1_000);
  });

  it("renames a person everywhere and remembers the name for the next visit", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const bo = await enter(url);
    await ana.page.click("#rename");
    await ana.page.fill("#name-input", "Ana María");
    await ana.page.press("#name-input", "Enter");
    await bo.page.waitForFunction(() =>
      [...document.querySelectorAll(".people-list li")].some((li) => li.textContent === "Ana María"),
    );
    expect(await myNameOn(ana.page)).toBe("Ana María");
    expect(await ana.page.evaluate(() => document.activeElement?.id)).toBe("compose");
    await ana.page.keyboard.type("hola");
    await waitForLaneText(bo.page, "Ana María", "hola");
    // Nothing but the chosen name is kept in the browser.
    expect(await ana.page.evaluate(() => Object.keys(localStorage))).toEqual(["phantachat:name"]);
    // Next visit, same browser: the chosen name comes back.
    await ana.page.reload();
    await waitConnected(ana.page);
    await ana.page.waitForFunction(() => document.getElementById("my-name")?.textContent === "Ana María");
  });

  it("keeps three people typing at once in their own lanes, never interleaved", async () => {
    const url = await newRoomUrl(baseUrl);
    const trio = [await enter(url), await enter(url), await enter(url)];
    for (const p of trio) await p.page.waitForFunction(() => document.querySelectorAll(".lane").length === 3);
    const names = await Promise.all(trio.map((p) => myNameOn(p.page)));
    const words = ["aaaa aaaa", "bbbb bbbb", "cccc cccc"];
    await Promise.all(trio.map((p, i) => p.page.keyboard.type(words[i] ?? "", { delay: 15 })));
    for (const viewer of trio) {
      for (const [i, name] of names.entries()) await waitForLaneText(viewer.page, name, words[i] ?? "");
    }
  });

  it("shows HTML in words and names as literal text and never runs it", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const bo = await enter(url);
    const attack = `<img src=x onerror="window.pwned=1">`;
    await ana.page.click("#rename");
    await ana.page.fill("#name-input", "<b>Bold</b>");
    await ana.page.press("#name-input", "Enter");
    await ana.page.keyboard.insertText(attack);
    await waitForLaneText(bo.page, "<b>Bold</b>", attack);
    expect(await bo.page.evaluate(() => document.querySelectorAll("#lanes img, #lanes b, .people-list b").length)).toBe(
      0,
    );
    expect(await bo.page.evaluate(() => "pwned" in window)).toBe(false);
  });

  it("isolates every name and keeps (you) outside it, so no name can change the text around it", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const bo = await enter(url);
    await ana.page.click("#rename");
    await ana.page.fill("#name-input", "Bo joined");
    await ana.page.press("#name-input", "Enter");
    // Bo reads the rename with the name set apart from the words around it.
    await bo.page.waitForFunction(() =>
      [...document.querySelectorAll("#notices bdi")].some((b) => b.textContent === "Bo joined"),
    );
    const names = await bo.page.evaluate(() =>
      [...document.querySelectorAll(".who .name, .person .name")].map((el) => [el.tagName, el.textContent]),
    );
    expect(names).toContainEqual(["BDI", "Bo joined"]);
    expect(names.every(([tag]) => tag === "BDI")).toBe(true);
    // Ana's own entries: the name alone in its <bdi>, "(you)" beside it, one of each.
    const mine = await ana.page.evaluate(() =>
      [...document.querySelectorAll(".lane.mine .who, .person")].map((el) => [
        el.querySelector(".name")?.textContent,
        el.querySelector(".you")?.textContent?.trim() ?? null,
      ]),
    );
    expect(mine).toContainEqual(["Bo joined", "(you)"]);
    expect(mine.filter(([, you]) => you === "(you)")).toHaveLength(2);
  });

  it("keeps a 32-character name inside its lane and the page from scrolling sideways, desktop and phone", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url, { viewport: { width: 1280, height: 800 } });
    const bo = await enter(url, { viewport: { width: 1280, height: 800 } });
    const cy = await enter(url, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const long = "W".repeat(32);
    await ana.page.click("#rename");
    await ana.page.fill("#name-input", long);
    await ana.page.press("#name-input", "Enter");
    await ana.page.keyboard.type("hello");
    for (const { page } of [bo, cy]) {
      await waitForLaneText(page, long, "hello");
      const geometry = await page.evaluate((who) => {
        const lane = [...document.querySelectorAll(".lane")].find((l) => l.querySelector(".name")?.textContent === who);
        const name = lane?.querySelector(".name")?.getBoundingClientRect();
        const box = lane?.getBoundingClientRect();
        const root = document.scrollingElement ?? document.documentElement;
        return { nameRight: name?.right ?? 0, laneRight: box?.right ?? 0, scroll: root.scrollWidth - root.clientWidth };
      }, long);
      expect(geometry.nameRight).toBeLessThanOrEqual(geometry.laneRight);
      expect(geometry.scroll).toBe(0);
    }
  });

  it("tells the room when someone looks away, and when they come back", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const bo = await enter(url);
    const boName = await myNameOn(bo.page);
    // Headless Chromium never hides a page: switching tabs, minimising and occlusion all leave
    // it "visible" (w3c/webdriver#1718). So the browser's part is played here: the visibility
    // getters answer "hidden" and the real event fires. Everything after that is the real page,
    // socket, room and other page.
    const setHidden = (hidden: boolean) =>
      bo.page.evaluate((value) => {
        Object.defineProperty(document, "hidden", { configurable: true, get: () => value });
        Object.defineProperty(document, "visibilityState", {
          configurable: true,
          get: () => (value ? "hidden" : "visible"),
        });
        document.dispatchEvent(new Event("visibilitychange"));
      }, hidden);
    const awayShown = (away: boolean) =>
      ana.page.waitForFunction(
        (label) => [...document.querySelectorAll(".people-list li")].some((li) => li.textContent === label),
        away ? `${boName} (looked away)` : boName,
      );
    await setHidden(true);
    await awayShown(true);
    expect(await ana.page.locator(".lane.away .away-badge").isVisible()).toBe(true);
    await setHidden(false);
    await awayShown(false);
    expect(await ana.page.locator(".lane.away").count()).toBe(0);
  });

  it("turns a fourth person away from a full room with a readable message", async () => {
    const url = await newRoomUrl(baseUrl);
    for (let i = 0; i < Number(E2E_VARS.MAX_PEERS); i++) await enter(url);
    const late = await openPerson(browser, url);
    people.push(late);
    await late.page.waitForFunction(() => document.getElementById("status")?.dataset.state === "full");
    expect(await late.page.locator("#final-title").textContent()).toBe("This room is full");
    expect(await late.page.locator("#final a").getAttribute("href")).toBe("/");
    expect(await late.page.locator("#compose").isDisabled()).toBe(true);
  });

  it("shows a 404 page for a link that was never minted and a 410 page for one that expired", async () => {
    const visitor = await openPerson(browser, `${baseUrl}/NotARoomAtAll`);
    people.push(visitor);
    expect(await visitor.page.locator("h1").textContent()).toBe("No such room");
    // Chromium logs the page's own 404 as a failed load: that is the point of this test.
    expect(visitor.problems.splice(0)).toEqual([expect.stringMatching(/status of 404/)]);
    await visitor.page.click("text=Start a new room");
    await waitConnected(visitor.page);

    const key = await importRoomKey(E2E_VARS.ROOM_SECRET);
    const expired = await mintRoomId(key, Date.now() - (Number(E2E_VARS.ROOM_TTL_SECONDS) + 60) * 1000);
    const response = await visitor.page.goto(`${baseUrl}/${expired}`);
    expect(response?.status()).toBe(410);
    expect(visitor.problems.splice(0)).toEqual([expect.stringMatching(/status of 410/)]);
    expect(await visitor.page.locator("h1").textContent()).toBe("This room has vanished");
    expect(await visitor.page.locator("a.button").getAttribute("href")).toBe("/");
  });

  it("reads other people's words to screen readers a word at a time, not per letter", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enter(url);
    const bo = await enter(url);
    const anaName = await myNameOn(ana.page);
    await ana.page.keyboard.type("hello there ", { delay: 20 });
    await bo.page.waitForFunction(
      (name) => document.getElementById("spoken")?.textContent === `${name}: hello${name}: there`,
      anaName,
    );
  });
});
