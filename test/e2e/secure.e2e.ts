/**
 * End-to-end encryption in real Chromium against the real app under `wrangler dev`: what the
 * room and the wire carry, what a page does with frames it cannot open, links without their
 * key, and where the key goes (the copied link, the QR code) and never goes (any request).
 * The one who is not a page is a plain `ws` client: what the room sees, and what anyone holding
 * the link without its key could do.
 */
import jsQR from "jsqr";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { WebSocket } from "ws";
import { browserPath, launchBrowser } from "../../scripts/browser.ts";
import {
  closeAll,
  enterRoom,
  myNameOn,
  newRoomUrl,
  openPerson,
  type Person,
  personalAddress,
  recordShown,
  shownSoFar,
  waitForLaneText,
  waitForPeople,
} from "../../scripts/people.ts";
import { type ServerFrame, splitServerMessage, toServerFrame } from "../../src/protocol.ts";
import {
  fromBase64url,
  linkKeyOf,
  newLinkKey,
  openKeys,
  openName,
  type RoomKeys,
  roomKeys,
  sealKeys,
  toBase64url,
} from "../../src/room-crypto.ts";

const baseUrl = inject("baseUrl");
let browser: Browser;
let people: Person[] = [];
let raws: WebSocket[] = [];

/** Someone in the room without a page: sees exactly what the room relays, and can send anything. */
interface Raw {
  ws: WebSocket;
  id: string;
  /** Every frame the room sent it, in order. */
  frames: ServerFrame[];
  /** Every message it received, as text. */
  messages: string[];
}

async function joinRaw(url: string): Promise<Raw> {
  const ws = new WebSocket(url.replace(/^http/, "ws").split("#")[0] ?? url, { headers: personalAddress() });
  raws.push(ws);
  const frames: ServerFrame[] = [];
  const messages: string[] = [];
  const id = await new Promise<string>((ok, fail) => {
    ws.on("message", (data) => {
      const text = String(data);
      messages.push(text);
      for (const item of splitServerMessage(text)?.items ?? []) {
        const frame = toServerFrame(item);
        if (!frame) continue;
        frames.push(frame);
        if (frame.type === "welcome") ok(frame.you.id);
      }
    });
    ws.once("error", fail);
  });
  return { ws, id, frames, messages };
}

const keysOfLink = async (url: string): Promise<RoomKeys> => {
  const key = linkKeyOf(new URL(url).hash);
  if (!key) throw new Error(`no key in ${url}`);
  return roomKeys(key, new URL(url).pathname.slice(1));
};

const noticesOf = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll("#notices p")].map((p) => p.textContent ?? ""));

/** Everything a page sent and received over its WebSockets, from now on. */
function recordWire(page: Page): string[] {
  const wire: string[] = [];
  page.on("websocket", (ws) => {
    ws.on("framesent", (f) => wire.push(String(f.payload)));
    ws.on("framereceived", (f) => wire.push(String(f.payload)));
  });
  return wire;
}

async function rename(page: Page, name: string): Promise<void> {
  await page.click("#rename");
  await page.fill("#name-input", name);
  await page.press("#name-input", "Enter");
}

describe.skipIf(!browserPath)("end-to-end encryption in Chromium", () => {
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    const problems = people.flatMap((p) => p.problems);
    await closeAll(people);
    for (const ws of raws) ws.close();
    people = [];
    raws = [];
    expect(problems).toEqual([]);
  });

  it("puts no word and no name on the wire or in the room: only sealed text that opens with the link's key", async () => {
    const url = await newRoomUrl(baseUrl);
    const room = await joinRaw(url);
    const ana = await openPerson(browser, url);
    const anaWire = recordWire(ana.page);
    const bo = await openPerson(browser, url);
    const boWire = recordWire(bo.page);
    people.push(ana, bo);
    await waitForPeople(ana.page, 3);
    await waitForPeople(bo.page, 3);
    await rename(ana.page, "Anastasia Secreta");
    await waitForLaneText(bo.page, "Anastasia Secreta", "");
    const said = "meet me by the lighthouse";
    await ana.page.keyboard.type(said, { delay: 15 });
    await waitForLaneText(bo.page, "Anastasia Secreta", said);

    const wire = [...anaWire, ...boWire, ...room.messages].join("\n");
    for (const secret of [said, "lighthouse", "Anastasia", "Secreta"]) expect(wire).not.toContain(secret);

    // What the room relayed: sealed words and names, which open with the link's key only.
    const keys = await keysOfLink(url);
    const otherKeys = await roomKeys(fromBase64url(newLinkKey()) ?? new Uint8Array(16), keys.room);
    const anaId = await ana.page.evaluate(() => document.querySelector(".lane.mine")?.getAttribute("data-id"));
    const sealedWords = room.frames.flatMap((f) => (f.type === "keys" && f.from === anaId ? [f] : []));
    expect(sealedWords.length).toBeGreaterThan(0);
    let heard = "";
    for (const frame of sealedWords) {
      // Not an encoding of the words: the bytes themselves hold none of them.
      expect(new TextDecoder().decode(fromBase64url(frame.c) ?? new Uint8Array())).not.toContain("light");
      expect(await openKeys(otherKeys, frame.from, frame.c)).toBeNull();
      const opened = await openKeys(keys, frame.from, frame.c);
      expect(opened?.n).toBe(frame.n);
      heard += opened?.text ?? "";
    }
    expect(heard).toBe(said);
    const names = room.frames.flatMap((f) => (f.type === "name" ? [f.user.name] : []));
    expect(names).toHaveLength(1);
    expect(await openName(keys, names[0] ?? "")).toBe("Anastasia Secreta");
    expect(await openName(otherKeys, names[0] ?? "")).toBeNull();
  });

  it("never shows a frame it cannot open (forged, another key, or someone else's replayed) and says why", async () => {
    const url = await newRoomUrl(baseUrl);
    const ana = await enterRoom(browser, url);
    const bo = await enterRoom(browser, url);
    people.push(ana, bo);
    const mallory = await joinRaw(url);
    await waitForPeople(bo.page, 3);
    await recordShown(bo.page);
    const anaName = await myNameOn(ana.page);
    await ana.page.keyboard.type("only once", { delay: 15 });
    await waitForLaneText(bo.page, anaName, "only once");

    const keys = await keysOfLink(url);
    const otherKeys = await roomKeys(fromBase64url(newLinkKey()) ?? new Uint8Array(16), keys.room);
    const anaFrame = mallory.frames.find((f) => f.type === "keys");
    if (anaFrame?.type !== "keys") throw new Error("mallory heard nothing from Ana");
    const garbage = toBase64url(crypto.getRandomValues(new Uint8Array(40)));
    const forged = [
      // Well-formed noise.
      { type: "keys", n: 1, c: garbage },
      // Real words, sealed with another key.
      { type: "keys", n: 2, c: await sealKeys(otherKeys, mallory.id, 2, "forged words") },
      // Ana's words as the room relayed them, sent again as Mallory's: bound to Ana, they do not open.
      { type: "keys", n: 3, c: anaFrame.c },
      // Words sealed for Ana, sent by Mallory: the room says they are Mallory's, so they do not open either.
      { type: "keys", n: 4, c: await sealKeys(keys, anaFrame.from, 99, "posing as Ana") },
    ];
    for (const frame of forged) mallory.ws.send(JSON.stringify(frame));
    await bo.page.waitForFunction(() =>
      [...document.querySelectorAll("#notices p")].some((p) => p.textContent?.includes("different key")),
    );
    // Ana's page got the same frames and dropped them too.
    await ana.page.waitForFunction(() =>
      [...document.querySelectorAll("#notices p")].some((p) => p.textContent?.includes("different key")),
    );
    const shown = (await shownSoFar(bo.page)).join("");
    expect(shown.split("only once")).toHaveLength(2);
    expect(shown).not.toMatch(/forged|posing/);
    expect(await bo.page.locator("#lanes").textContent()).not.toMatch(/forged|posing/);
    // Mallory's lane is there, with a default name and nothing said.
    const malloryLane = bo.page.locator(`.lane[data-id="${mallory.id}"] .words`);
    expect(await malloryLane.textContent()).toBe("");
  });

  for (const [what, fragment, title] of [
    ["without its key", "", "This link is missing its key"],
    ["with a broken key", "#k=not-a-key", "This link's key is broken"],
  ] as const) {
    it(`refuses a link ${what}: says so, shows no room and never connects`, async () => {
      const url = await newRoomUrl(baseUrl);
      const sockets: string[] = [];
      const context = await browser.newContext({ extraHTTPHeaders: personalAddress() });
      const page = await context.newPage();
      page.on("websocket", (ws) => sockets.push(ws.url()));
      people.push({ context, page, problems: [] });
      await page.goto(`${url.split("#")[0]}${fragment}`);
      await page.waitForFunction(() => document.getElementById("final")?.hidden === false);
      expect(await page.locator("#final-title").textContent()).toBe(title);
      expect(await page.locator("#final-text").textContent()).toContain("the part after #");
      expect(await page.locator("#compose").isDisabled()).toBe(true);
      expect(await page.locator("#final a").getAttribute("href")).toBe("/");
      await page.waitForTimeout(500);
      expect(sockets).toEqual([]);
    });
  }

  it("with the wrong key, shows none of the others' words or names, and each side says why", async () => {
    const url = await newRoomUrl(baseUrl);
    const wrongUrl = `${url.split("#")[0]}#k=${newLinkKey()}`;
    const ana = await enterRoom(browser, url);
    const bo = await enterRoom(browser, wrongUrl);
    people.push(ana, bo);
    await waitForPeople(ana.page, 2);
    await waitForPeople(bo.page, 2);
    await recordShown(bo.page);
    await rename(ana.page, "Anastasia Secreta");
    await ana.page.keyboard.type("you cannot read this", { delay: 40 });
    await bo.page.waitForFunction(() =>
      [...document.querySelectorAll("#notices p")].some((p) => p.textContent?.includes("different key")),
    );
    expect((await shownSoFar(bo.page)).join("")).not.toMatch(/Anastasia|read this/);
    expect((await bo.page.locator("#lanes").textContent()) ?? "").not.toMatch(/Anastasia|read this/);
    expect(await noticesOf(bo.page)).toContain(
      "Someone here has a different key: what they say cannot be shown. The link they opened may be incomplete.",
    );
  });

  it("puts the key in the copied link and the QR code", async () => {
    // A visitor of / gets a new room, and the page makes its key.
    const ana = await enterRoom(browser, `${baseUrl}/`, { permissions: ["clipboard-read", "clipboard-write"] });
    people.push(ana);
    const url = ana.page.url();
    expect(linkKeyOf(new URL(url).hash)).not.toBeNull();
    await ana.page.click("#copy");
    expect(await ana.page.evaluate(() => navigator.clipboard.readText())).toBe(url);

    // The QR code as drawn, decoded by a reader that is not the page's encoder.
    const svg = await ana.page.locator("#qr").evaluate((el) => {
      const copy = el.cloneNode(true);
      if (!(copy instanceof SVGSVGElement)) throw new Error("#qr is not an svg");
      copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
      return copy.outerHTML;
    });
    const reader = await ana.context.newPage();
    const { width, height, pixels } = await reader.evaluate(async (markup) => {
      const image = new Image();
      image.src = URL.createObjectURL(new Blob([markup], { type: "image/svg+xml" }));
      await image.decode();
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 400;
      const g = canvas.getContext("2d");
      if (!g) throw new Error("no 2d context");
      g.fillStyle = "#fff";
      g.fillRect(0, 0, 400, 400);
      g.drawImage(image, 0, 0, 400, 400);
      return { width: 400, height: 400, pixels: [...g.getImageData(0, 0, 400, 400).data] };
    }, svg);
    await reader.close();
    expect(jsQR(Uint8ClampedArray.from(pixels), width, height)?.data).toBe(url);
  });

  it("never sends the key: not in any request, socket address or header", async () => {
    const sent: string[] = [];
    const watch = (page: Page) => {
      page.on("request", (request) => {
        sent.push(request.url(), JSON.stringify(request.headers()));
      });
      page.on("websocket", (ws) => {
        sent.push(ws.url());
        ws.on("framesent", (f) => sent.push(String(f.payload)));
      });
    };
    const context = await browser.newContext({ extraHTTPHeaders: personalAddress() });
    const page = await context.newPage();
    watch(page);
    const ana: Person = { context, page, problems: [] };
    people.push(ana);
    await page.goto(`${baseUrl}/`);
    await page.waitForFunction(() => document.getElementById("status")?.dataset.state === "connected");
    const key = new URL(page.url()).hash.slice("#k=".length);
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const bo = await openPerson(browser, page.url());
    watch(bo.page);
    people.push(bo);
    await waitForPeople(page, 2);
    await rename(page, "Ana");
    await page.keyboard.type("hello", { delay: 15 });
    await waitForLaneText(bo.page, "Ana", "hello");
    // Reload: a second page load, a new socket, a resume.
    await bo.page.reload();
    await waitForPeople(bo.page, 2);
    expect(sent.length).toBeGreaterThan(10);
    expect(sent.filter((s) => s.includes(key))).toEqual([]);
    // Nor kept anywhere but the address bar.
    for (const p of [page, bo.page]) {
      const stored = await p.evaluate(
        () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
      );
      expect(stored).not.toContain(key);
    }
  });
});
