/**
 * The chat page: wires the compose field, the room view and the connection together.
 * Nothing is kept but the name a person chose (localStorage); words live on screen for fadeMs.
 * Everything a person says, and their name, is sealed here with the key in the link's fragment
 * (src/room-crypto.ts) before it leaves, and opened here when it comes: the room relays
 * ciphertext it cannot read.
 */
import { nameKey } from "../name-rules.ts";
import { defaultNameFor } from "../names.ts";
import {
  checkName,
  checkText,
  type ErrorCode,
  MAX_KEYS_CODE_POINTS,
  PROTOCOL_VERSION,
  type ServerFrame,
  type User,
} from "../protocol.ts";
import {
  KeysReplayGuard,
  linkKeyOf,
  newLinkKey,
  openKeys,
  openName,
  type RoomKeys,
  roomKeys,
  sealKeys,
  sealName,
} from "../room-crypto.ts";
import { Attention } from "./attention.ts";
import { attachCompose, type Refusal } from "./compose.ts";
import type { SentFrame } from "./confirmations.ts";
import { Connection, type ConnectionState } from "./connection.ts";
import { fitToKeyboard, keepTypingIn } from "./layout.ts";
import { listNames, partsText } from "./notices.ts";
import { normaliseTyped, SendLoop } from "./outgoing.ts";
import { RoomView } from "./room-view.ts";
import { copyText, drawQr } from "./share.ts";

const NAME_KEY = "phantachat:name";

function byId<T extends HTMLElement | SVGElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`#${id} is missing from room.html`);
  return el;
}

const compose = byId("compose", HTMLTextAreaElement);
const statusEl = byId("status", HTMLElement);
const hint = byId("hint", HTMLElement);
const invite = byId("invite", HTMLDetailsElement);
const inviteText = byId("invite-text", HTMLElement);
const shareLink = byId("share-link", HTMLInputElement);
const copyButton = byId("copy", HTMLButtonElement);
const myName = byId("my-name", HTMLElement);
const renameButton = byId("rename", HTMLButtonElement);
const nameForm = byId("name-form", HTMLFormElement);
const nameInput = byId("name-input", HTMLInputElement);
const nameCancel = byId("name-cancel", HTMLButtonElement);
const finalPanel = byId("final", HTMLElement);

const view = new RoomView({
  lanes: byId("lanes", HTMLElement),
  people: byId("people", HTMLUListElement),
  notices: byId("notices", HTMLElement),
  spoken: byId("spoken", HTMLElement),
});

/** Me as this page shows me: my id, and my name in the clear ("" until I choose one). */
let me: User | undefined;
/** Proves to the room, on a reconnect, that this page is `me` (docs/protocol.md, Resuming). */
let resumeToken: string | undefined;
/** The name I chose (kept across visits), or null: the others then see my default name. */
let keptName = localStorage.getItem(NAME_KEY);
/** keptName sealed, for joining under it (`?name=`). */
let sealedName: string | undefined;
/** Landed here from "/" (a redirect), so this room was minted just now for this person. */
const isNewRoom = location.hash === "#new";
/** A sender's frames are shown only while their numbers rise: no replay, no reordering, no repeat. */
const replayGuard = new KeysReplayGuard();
/** Frames and names that did not open with our key: someone here holds another. */
let unopened = 0;
/** Frames that did not open before the page says so: one could be a glitch, three are a pattern. */
const UNOPENED_BEFORE_NOTICE = 3;

// The key. A room minted just now (/ redirects to /<room>#new) gets one made here, and it joins
// the link; a link without one never gets one invented: that would be another conversation.
const room = location.pathname.slice(1);
if (isNewRoom) history.replaceState(null, "", `${location.pathname}#k=${newLinkKey()}`);
const linkKey = linkKeyOf(location.hash);
const keys: RoomKeys | undefined = linkKey ? await roomKeys(linkKey, room) : undefined;

// The share link is the whole link, key included: without it the words cannot be read.
const roomUrl = location.href;
shareLink.value = roomUrl;
drawQr(byId("qr", SVGSVGElement), roomUrl);

const connection = new Connection({
  url() {
    const url = new URL(location.pathname, location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    // Join under one's own name, so the others never read a default name and then a rename.
    if (sealedName) url.searchParams.set("name", sealedName);
    if (me && resumeToken) url.searchParams.set("resume", `${me.id}.${resumeToken}`);
    return url.href;
  },
  onFrame,
  onState,
  onConfirmed: (frames) => view.heard(Math.max(...frames.map((f) => f.typed))),
  onUnsaid: (frames) => view.unsaid(typedIn(frames)),
});

const attention = new Attention((spoke, joined) => {
  const said = spoke.length > 0 ? `${partsText(listNames(spoke))} said things while you were away.` : "";
  const came = joined > 0 ? `${joined === 1 ? "Someone" : `${joined} people`} came.` : "";
  view.notice(`You missed words: ${[said, came].filter(Boolean).join(" ")}`);
});

/** Frames are handled one at a time, in order, though opening them takes a moment. */
let handling: Promise<void> = Promise.resolve();
function onFrame(frame: ServerFrame): void {
  handling = handling.then(() => handle(frame)).catch((error: unknown) => console.error(error));
}

/** A person as the page shows them: their sealed name opened, or their default name. */
async function opened(user: User): Promise<User> {
  if (user.name === "" || !keys) return { id: user.id, name: defaultNameFor(user.id) };
  const name = await openName(keys, user.name);
  if (name === null) notOpened();
  return { id: user.id, name: name ?? defaultNameFor(user.id) };
}

/** Something did not open with our key: dropped, never shown; after a few, the page says why. */
function notOpened(): void {
  if (++unopened !== UNOPENED_BEFORE_NOTICE) return;
  view.notice(
    "Someone here has a different key: what they say cannot be shown. The link they opened may be incomplete.",
  );
}

async function handle(frame: ServerFrame): Promise<void> {
  switch (frame.type) {
    case "welcome": {
      if (frame.version !== PROTOCOL_VERSION) {
        // A deploy changed the protocol under this page: its frames might be misread either way.
        connection.stop();
        end("outdated", "Phantachat was updated", "Reload this page to keep talking in this room.");
        return;
      }
      const newId = me !== undefined && me.id !== frame.you.id;
      me = { id: frame.you.id, name: keptName ?? "" };
      resumeToken = frame.resume;
      view.fadeMs = frame.fadeMs;
      connection.fadeMs = frame.fadeMs;
      const peers = await Promise.all(frame.peers.map(async (p) => ({ ...(await opened(p)), away: p.away })));
      const you = await opened(frame.you);
      view.sync(you, peers);
      myName.textContent = you.name;
      if (document.hidden) connection.send({ type: "away", away: true });
      // What was sealed for an id the room did not give back would not open for the others.
      const sealing = keys;
      if (newId && sealing) await connection.reseal((f) => sealKeys(sealing, frame.you.id, f.n, f.text));
      connection.welcomed();
      updateInvite();
      return;
    }
    case "join":
      view.join(await opened(frame.user));
      attention.joined();
      updateInvite();
      return;
    case "leave":
      view.leave(await opened(frame.user), frame.lost === true);
      updateInvite();
      return;
    case "keys": {
      const said = keys ? await openKeys(keys, frame.from, frame.c) : null;
      // Sealed by someone else with another key, tampered with, re-attributed, or breaking the
      // rules of what may be said: never shown.
      if (!said || said.n !== frame.n || checkText(said.text, MAX_KEYS_CODE_POINTS, true) !== null) {
        notOpened();
        return;
      }
      if (!replayGuard.accept(frame.from, said.n)) return;
      view.say(frame.from, said.text);
      attention.spoke(view.nameOf(frame.from));
      return;
    }
    case "name": {
      const user = await opened(frame.user);
      view.rename(user, "");
      if (user.id === me?.id) myName.textContent = user.name;
      return;
    }
    case "away":
      view.setAway(await opened(frame.user), frame.away);
      return;
    case "error":
      onError(frame.code, frame.message);
      return;
    case "ack":
      // Taken by the connection (confirmations.ts) before frames reach the page.
      return;
    default:
      frame satisfies never;
  }
}

/** Every error code is handled here: a new one fails to compile until this switch says what to show. */
function onError(code: ErrorCode, message: string): void {
  switch (code) {
    case "rate_limited":
      view.notice("Too fast: some keystrokes were not sent.");
      return;
    case "bad_frame":
    case "too_large":
      view.notice(`Not sent: ${message}`);
      return;
    case "overloaded":
      view.notice("The room is overloaded: some of your words reached it too late to be shown, and were dropped.");
      return;
    case "room_full":
      // The connection ends with it; the state change says so.
      return;
    default:
      code satisfies never;
  }
}

function onState(state: ConnectionState): void {
  switch (state.kind) {
    case "connecting":
      // After a loss, the status keeps saying what went wrong until the room answers.
      if (statusEl.dataset.state === undefined || statusEl.dataset.state === "connecting") {
        setStatus("connecting", "Connecting…");
      }
      return;
    case "open":
      setStatus("connected", "Connected");
      return;
    case "unheard":
      setStatus("unheard", "Not heard for 3 s · reconnecting");
      return;
    case "offline":
      setStatus("offline", "Offline · your words wait for the network");
      return;
    case "retrying":
      setStatus("reconnecting", `Connection lost · reconnecting in ${Math.ceil(state.inMs / 1000)} s`);
      return;
    case "full":
      end("full", "This room is full", "A room holds a limited number of people. Start a new one and share its link.");
      return;
    case "unknown":
      end("unknown", "No such room", "This link does not lead to a Phantachat room.");
      return;
    case "vanished":
      end("vanished", "This room has vanished", "Its link has expired. Nothing said in it was ever kept.");
      return;
    case "replaced":
      end("replaced", "Open in another window", "This conversation carries on in another window of yours.");
      return;
    default:
      state satisfies never;
  }
}

function setStatus(state: string, text: string): void {
  statusEl.dataset.state = state;
  statusEl.textContent = text;
  statusEl.title = text;
  document.documentElement.dataset.connection = state;
  updateHint();
}

function end(state: string, title: string, text: string): void {
  setStatus(state, title);
  byId("final-title", HTMLElement).textContent = title;
  byId("final-text", HTMLElement).textContent = text;
  finalPanel.hidden = false;
  invite.hidden = true;
  compose.disabled = true;
  // Said where the field is, since that is where a person looks to type.
  compose.placeholder = title;
  hint.textContent = text;
}

function updateInvite(): void {
  const others = view.othersCount;
  updateHint();
  if (others === 0) {
    inviteText.textContent = isNewRoom
      ? "This room is new and empty. Share the link: whoever opens it is here with you."
      : "Nobody else is here right now. Share the link: whoever opens it is here with you.";
    return;
  }
  inviteText.textContent = `${others === 1 ? "1 other person is" : `${others} other people are`} here. Share the link to invite more.`;
  // Once someone has come, the invite steps aside (it stays one click away).
  if (invite.open && !invite.dataset.kept) invite.open = false;
}

// The hint under the field says what matters most right now: a refused edit (for a moment),
// that nobody hears you yet, or how the place works.
const DEFAULT_HINT = hint.textContent ?? "";
const ALONE_HINT = "Nobody else is here yet, so nobody hears you. Share the link to invite someone.";
let flashing = false;

function updateHint(): void {
  if (flashing || compose.disabled) return;
  const alone = view.othersCount === 0 && statusEl.dataset.state === "connected";
  hint.textContent = alone ? ALONE_HINT : DEFAULT_HINT;
  hint.dataset.alone = String(alone);
}

// Typing: every keystroke goes out at once; only keys closer than MIN_FRAME_GAP_MS share a frame.
// The loop is outgoing.ts's SendLoop, which the cost model (bench/) replays.
let typed = 0;
let sentTyped = 0;
let lastN = 0;
/** Frames go out in the order they were typed, whatever sealing them takes. */
let outgoing: Promise<void> = Promise.resolve();
const sendLoop = new SendLoop({
  now: () => performance.now(),
  // `at` lets an overloaded room shed what would reach the others only after fading (protocol.md).
  // The wall clock, because performance.now() stops while the device sleeps (and the room must
  // never take a clock that stood still for a backlog).
  stamp: () => Date.now(),
  setTimer: (run, ms) => setTimeout(run, ms),
  send: ({ text, at }) => {
    // Sealed before it goes, in order; what it covers of the typing is noted now.
    const frame = { n: ++lastN, text, at, typed, fromTyped: sentTyped + 1 };
    sentTyped = typed;
    const sealing = keys;
    const sender = me?.id;
    if (!sealing || sender === undefined) return;
    outgoing = outgoing
      .then(async () => connection.sendKeys({ ...frame, c: await sealKeys(sealing, sender, frame.n, frame.text) }))
      .catch((error: unknown) => console.error(error));
  },
  isHeard: () => view.othersCount > 0,
});

/** Every piece of typed text that `frames` carried. */
function typedIn(frames: readonly SentFrame[]): number[] {
  const pieces: number[] = [];
  for (const f of frames) for (let t = f.fromTyped; t <= f.typed; t++) pieces.push(t);
  return pieces;
}

attachCompose(compose, {
  onText(raw) {
    const text = normaliseTyped(raw);
    if (!text) return;
    typed++;
    // Shown at once; marked as pending until the room confirms it, if anyone is here to hear it.
    view.sayMine(text, typed, view.othersCount > 0);
    // Your own words stay in view above the field, whatever the room scrolled to.
    view.laneOf(me?.id)?.scrollIntoView({ block: "nearest" });
    if (view.othersCount === 0) sentTyped = typed;
    sendLoop.type(text);
  },
  onRefused: refuse,
});

const REFUSALS: Record<Refusal, string> = {
  delete: "No backspace here: what is typed is said.",
  paste: "No pasting: this is a conversation, so say it.",
  drop: "No dropping text in: say it instead.",
  undo: "No undo: what is typed is said.",
  edit: "No editing: what is typed is said.",
};
let hintTimer: ReturnType<typeof setTimeout> | undefined;
function refuse(what: Refusal): void {
  flashing = true;
  hint.textContent = REFUSALS[what];
  hint.dataset.flash = "true";
  clearTimeout(hintTimer);
  hintTimer = setTimeout(() => {
    flashing = false;
    delete hint.dataset.flash;
    updateHint();
  }, 2_500);
}

// Typing works the moment the page loads; keys go to the field whatever was clicked last, and
// clicks that are not on a control give the field back.
compose.focus();
keepTypingIn(compose, (el) => el === nameInput || el === shareLink);
fitToKeyboard(() => view.laneOf(me?.id));
document.addEventListener("click", (event) => {
  const target = event.target;
  if (
    target instanceof Element &&
    target.closest("a, button, input, textarea, select, summary, label, form, details[open] > :not(summary)")
  )
    return;
  if (!compose.disabled && getSelection()?.isCollapsed !== false) compose.focus({ preventScroll: true });
});

copyButton.addEventListener("click", async () => {
  const copied = await copyText(roomUrl, shareLink);
  copyButton.textContent = copied ? "Copied!" : "Press Ctrl+C";
  setTimeout(() => {
    copyButton.textContent = "Copy link";
  }, 2_000);
  compose.focus({ preventScroll: true });
});
invite.addEventListener("toggle", () => {
  if (invite.open) invite.dataset.kept = "true";
  // Opening or closing the invite is not where the next sentence should go.
  if (!compose.disabled) compose.focus({ preventScroll: true });
});

// Renaming.
renameButton.addEventListener("click", () => {
  nameForm.hidden = false;
  nameInput.value = me?.name ?? localStorage.getItem(NAME_KEY) ?? "";
  nameInput.focus();
  nameInput.select();
});
function closeNameForm(): void {
  nameForm.hidden = true;
  compose.focus();
}
nameCancel.addEventListener("click", closeNameForm);
nameForm.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeNameForm();
});
nameForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = nameInput.value.trim();
  const problem = checkName(name);
  if (problem) {
    view.notice(`Your name ${problem}.`);
    return;
  }
  // The room cannot read names to tell two apart, so the page does.
  if (view.namesOfOthers(me?.id).some((other) => nameKey(other) === nameKey(name))) {
    view.notice("Someone here already has that name: pick another.");
    return;
  }
  localStorage.setItem(NAME_KEY, name);
  // Kept for the next connection too: a rename made while disconnected goes with the reconnect.
  keptName = name;
  closeNameForm();
  void rename(name);
});

// Attention: the room hears when this page goes to the background and comes back.
document.addEventListener("visibilitychange", () => {
  connection.send({ type: "away", away: document.hidden });
});

/** Seals a chosen name, keeps it for joining under, and tells the room. */
async function rename(name: string): Promise<void> {
  if (!keys) return;
  sealedName = await sealName(keys, name);
  connection.send({ type: "name", c: sealedName });
}

updateInvite();
if (!linkKey) {
  // Without its key a link cannot say or show anything: better no room than a wrong one.
  end(
    "nokey",
    location.hash === "" ? "This link is missing its key" : "This link's key is broken",
    "Words here are encrypted with a key that only the whole link carries (the part after #). Ask for the link again, all of it, or start a new room.",
  );
} else {
  if (keptName && checkName(keptName) === null && keys) sealedName = await sealName(keys, keptName);
  connection.start();
}
