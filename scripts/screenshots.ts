/**
 * Regenerates the README's screenshots (docs/screenshot-room.png, docs/screenshot-phone.png,
 * docs/screenshot-phone-keyboard.png): a busy three-person room on a desktop, the same room on a
 * 390 px phone, and that phone with its keyboard up (the viewport a keyboard leaves: headless
 * Chromium has no on-screen keyboard to raise).
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
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  } as const;
  // Each comes with a name of their own already chosen (kept in localStorage), as people do.
  const named = async (name: string, options: typeof desktop | typeof phone): Promise<[Person, string]> => {
    const person = await enterRoom(browser, url, {
      ...options,
      storageState: {
        cookies: [],
        origins: [{ origin: server.url, localStorage: [{ name: "phantachat:name", value: name }] }],
      },
    });
    return [person, name];
  };
  const people: [Person, string][] = [
    await named("Ana", desktop),
    await named("Bo", desktop),
    await named("Cy", phone),
  ];
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
  const cy = people[2]?.[0].page;
  if (cy) {
    // What a keyboard leaves of a 390 × 844 phone, while Cy answers.
    await cy.setViewportSize({ width: 390, height: 480 });
    await Promise.all([
      cy.keyboard.type("yes let's go at six", { delay: 45 }),
      people[1]?.[0].page.keyboard.type("count me in", { delay: 60 }),
    ]);
    await cy.waitForTimeout(300);
    await cy.screenshot({ path: resolve(docs, "screenshot-phone-keyboard.png") });
  }
  console.log(`wrote ${docs}/screenshot-room.png, screenshot-phone.png and screenshot-phone-keyboard.png`);
} finally {
  await browser.close();
  await server.stop();
}
