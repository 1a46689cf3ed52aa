/**
 * Regenerates the README's screenshots (docs/screenshot-room.png, docs/screenshot-phone.png):
 * a busy three-person room on a desktop, and the same room on a 360 px phone.
 * Run: npm run screenshots (starts its own `wrangler dev`; needs Chromium).
 */
import { resolve } from "node:path";
import { launchBrowser } from "./browser.ts";
import { startDevServer } from "./dev-server.ts";
import { enterRoom, newRoomUrl, type Person } from "./people.ts";

const docs = resolve(import.meta.dirname, "../docs");
// Long fades, so the picture catches everyone mid-sentence.
const server = await startDevServer({ FADE_MS: "8000", MAX_PEERS: "16", ROOM_SECRET: "screenshots-secret-0123" });
const browser = await launchBrowser();
try {
  const url = await newRoomUrl(server.url);
  const desktop = { viewport: { width: 1200, height: 760 }, colorScheme: "light" } as const;
  const phone = {
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  } as const;
  const people: [Person, string, string][] = [
    [await enterRoom(browser, url, desktop), "Ana", ""],
    [await enterRoom(browser, url, desktop), "Bo", ""],
    [await enterRoom(browser, url, phone), "Cy", ""],
  ];
  for (const [person, name] of people) {
    await person.page.click("#rename");
    await person.page.fill("#name-input", name);
    await person.page.press("#name-input", "Enter");
  }
  const lines = [
    "did you see the sunrise this morning? ",
    "I was still asleep haha, was it good? ",
    "we should go up the hill tomorrow ",
  ];
  await Promise.all(people.map(([person], i) => person.page.keyboard.type(lines[i] ?? "", { delay: 45 })));
  await people[0]?.[0].page.keyboard.type("yes! pink and gold", { delay: 45 });
  await people[0]?.[0].page.waitForTimeout(300);
  await people[1]?.[0].page.screenshot({ path: resolve(docs, "screenshot-room.png") });
  await people[2]?.[0].page.screenshot({ path: resolve(docs, "screenshot-phone.png") });
  console.log(`wrote ${docs}/screenshot-room.png and screenshot-phone.png`);
} finally {
  await browser.close();
  await server.stop();
}
