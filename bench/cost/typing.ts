/**
 * The typing model: how people type (TYPING), a generated conversation of that typing
 * (typingTrace, seeded), and what it sends and costs the room once replayed through the page's
 * own send rule (measureTyping). docs/cost.md states and explains every assumption.
 */
import { replayPings } from "../../src/client/confirmations.ts";
import { chunkText, MIN_FRAME_GAP_MS, paceTyping, type Timed } from "../../src/client/outgoing.ts";
import { awakeMs } from "./awake.ts";
import { Dice, type Range } from "./dice.ts";
import { MESSAGE_PROCESSING_MS } from "./message-processing.ts";

interface LogNormal {
  medianMs: number;
  sigma: number;
}

/** The typing assumptions; TYPING holds their values, each with its reason. */
export interface TypingModel {
  steady: LogNormal;
  burst: LogNormal;
  burstWordShare: number;
  rolloverShare: number;
  imeWordShare: number;
  imeKeysPerCodePoint: number;
  dictationPhraseShare: number;
  dictationCodePoints: Range;
  dictationCodePointsPerSecond: number;
  wordsPerPhrase: Range;
  phrasesPerTurn: Range;
  thinkingMs: Range;
  hesitationShare: number;
  hesitationMs: Range;
  enterShare: number;
  listenPerOtherMs: Range;
  reactionMs: Range;
}

/** How people type, per person. Times in ms. */
export const TYPING: Readonly<TypingModel> = {
  /** Steady typing: ~5 keys/s. Inter-key intervals are log-normal (median, sigma) with this jitter. */
  steady: { medianMs: 190, sigma: 0.35 },
  /** Fast bursts (common words typed from muscle memory): ~12 keys/s. */
  burst: { medianMs: 75, sigma: 0.45 },
  /** Share of words typed as a fast burst. */
  burstWordShare: 0.35,
  /** Share of keys in a burst that land 3–19 ms after the previous one (overlapping key presses). */
  rolloverShare: 0.06,
  /** Share of words that arrive as one IME commit (CJK, phone keyboards): 1–6 code points at once. */
  imeWordShare: 0.1,
  /** Keystrokes an IME needs per committed code point (romaji, pinyin, candidate choice). */
  imeKeysPerCodePoint: 2.5,
  /** Share of phrases dictated: one string of 65–200 code points, cut into frames of 64. */
  dictationPhraseShare: 0.03,
  dictationCodePoints: [65, 200],
  /** Dictation speed: code points per second of speech. */
  dictationCodePointsPerSecond: 14,
  wordsPerPhrase: [2, 12],
  phrasesPerTurn: [1, 3],
  /** Thinking pause between phrases of one turn. */
  thinkingMs: [1_000, 8_000],
  /** Share of word gaps with a short hesitation, and its length. */
  hesitationShare: 0.1,
  hesitationMs: [300, 1_200],
  /** Share of turns that end with Enter. */
  enterShare: 0.5,
  /** Between one's turns: reading the others, about one turn each, then reacting. */
  listenPerOtherMs: [8_000, 30_000],
  reactionMs: [500, 3_000],
};

/** Length of the simulated conversation per group size: long enough for stable rates. */
const SIMULATED_HOURS = 10;

/** Word lengths in letters, weighted roughly as in English text. */
const WORD_LENGTHS: readonly (readonly [number, number])[] = [
  [1, 3],
  [2, 17],
  [3, 20],
  [4, 16],
  [5, 11],
  [6, 9],
  [7, 8],
  [8, 6],
  [9, 4],
  [10, 3],
  [11, 2],
  [12, 1],
];
const WORD_WEIGHT = WORD_LENGTHS.reduce((sum, [, w]) => sum + w, 0);

function wordLength(dice: Dice): number {
  let roll = dice.unit() * WORD_WEIGHT;
  for (const [length, weight] of WORD_LENGTHS) {
    roll -= weight;
    if (roll < 0) return length;
  }
  return 4;
}

const LETTERS = [..."etaoinshrdlucmfwypvbgkjqxz"];
const CJK = [..."日本語中文한국어話言葉今何時好是的了我你他"];

function letters(dice: Dice, n: number, alphabet: readonly string[]): string {
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(dice.unit() * alphabet.length)] ?? "?";
  return out;
}

export type InputKind = "key" | "ime" | "dictation";

/** One `onText` of the page: a key, an IME commit or a dictated string, at a time in ms. */
export interface Input extends Timed {
  kind: InputKind;
}

/** One person's typing in a conversation of `people`, for `durationMs`. */
export function typingTrace(dice: Dice, people: number, durationMs: number): Input[] {
  const inputs: Input[] = [];
  const listen = () => dice.between(TYPING.reactionMs) + (people - 1) * dice.between(TYPING.listenPerOtherMs);
  // People do not all start typing at the same moment.
  let t = dice.unit() * listen();
  const key = (text: string, gap: number) => {
    t += gap;
    inputs.push({ at: t, text, kind: "key" });
  };
  while (t < durationMs) {
    const phrases = dice.int(TYPING.phrasesPerTurn);
    for (let p = 0; p < phrases; p++) {
      if (p > 0) t += dice.between(TYPING.thinkingMs);
      if (dice.chance(TYPING.dictationPhraseShare)) {
        const n = dice.int(TYPING.dictationCodePoints);
        t += (n / TYPING.dictationCodePointsPerSecond) * 1_000;
        inputs.push({ at: t, text: `${letters(dice, n - 1, LETTERS)} `, kind: "dictation" });
        continue;
      }
      const words = dice.int(TYPING.wordsPerPhrase);
      for (let w = 0; w < words; w++) {
        if (w > 0 && dice.chance(TYPING.hesitationShare)) t += dice.between(TYPING.hesitationMs);
        if (dice.chance(TYPING.imeWordShare)) {
          // Composing sends nothing; the commit arrives as one string.
          const n = dice.int([1, 6]);
          for (let k = 0; k < Math.round(n * TYPING.imeKeysPerCodePoint); k++) {
            t += dice.logNormal(TYPING.steady.medianMs, TYPING.steady.sigma);
          }
          inputs.push({ at: t, text: letters(dice, n, CJK), kind: "ime" });
          continue;
        }
        const burst = dice.chance(TYPING.burstWordShare);
        const gap = () => {
          if (burst && dice.chance(TYPING.rolloverShare)) return dice.between([3, 19]);
          const { medianMs, sigma } = burst ? TYPING.burst : TYPING.steady;
          return dice.logNormal(medianMs, sigma);
        };
        for (const ch of letters(dice, wordLength(dice), LETTERS)) key(ch, gap());
        key(" ", gap());
      }
    }
    if (dice.chance(TYPING.enterShare)) key("\n", dice.logNormal(TYPING.steady.medianMs, TYPING.steady.sigma));
    t += listen();
  }
  return inputs.filter((input) => input.at < durationMs);
}

/** What one simulated conversation of `people` measures, per conversation-hour where it says so. */
export interface TypingMeasurement {
  people: number;
  /** The send rule's gap: MIN_FRAME_GAP_MS as built. */
  gapMs: number;
  simulatedHours: number;
  keystrokes: number;
  codePoints: number;
  keystrokesByKind: Record<InputKind, number>;
  /** Typing speed while typing words key by key, in keys/s (steady and burst mixed). */
  keysPerSecondWhileTyping: number;
  framesPerKeystroke: { coalesced: number; uncoalesced: number };
  framesPerCodePoint: { coalesced: number; uncoalesced: number };
  /** Incoming `keys` frames of the whole room per conversation-minute. */
  framesPerMinute: { coalesced: number; uncoalesced: number };
  keystrokesPerMinute: number;
  /** Seconds the room is billed for its `keys` frames per conversation-hour. */
  awakeSecondsPerHour: { coalesced: number; uncoalesced: number };
  /** Share of `keys` frames (as built) that arm the room's flush tick (within BUSY_GAP_MS of the last). */
  flushTickShare: number;
  /**
   * Pings the pages send to have their keys frames confirmed (src/client/confirmations.ts), per
   * conversation-minute, with pongs CONFIRM_RTT_MS after each ping.
   */
  confirmPingsPerMinute: number;
}

/** The round trip the model gives every confirmation ping: a phone a little way from the edge. */
export const CONFIRM_RTT_MS = 100;

/**
 * A conversation of `people` typing for `hours` (generated from `seed`), replayed through the
 * page's send rule with `gapMs` between frames and priced in room awake time. The same arguments
 * always give the same measurement.
 */
export function measureTyping(
  people: number,
  seed: number,
  gapMs = MIN_FRAME_GAP_MS,
  hours = SIMULATED_HOURS,
): TypingMeasurement {
  const dice = new Dice(seed * 7_919 + people);
  const durationMs = hours * 3_600_000;
  const coalesced: number[] = [];
  const uncoalesced: number[] = [];
  const byKind: Record<InputKind, number> = { key: 0, ime: 0, dictation: 0 };
  let keystrokes = 0;
  let codePoints = 0;
  let wordKeys = 0;
  let wordKeyMs = 0;
  let confirmPings = 0;
  for (let person = 0; person < people; person++) {
    const trace = typingTrace(dice, people, durationMs);
    for (const [i, input] of trace.entries()) {
      keystrokes++;
      byKind[input.kind]++;
      codePoints += [...input.text].length;
      // Without coalescing every input is its own send, still cut into frames the server accepts.
      for (let k = chunkText(input.text).length; k > 0; k--) uncoalesced.push(input.at);
      const previous = trace[i - 1];
      if (input.kind === "key" && previous?.kind === "key" && input.at - previous.at < 2_000) {
        wordKeys++;
        wordKeyMs += input.at - previous.at;
      }
    }
    const frames = paceTyping(trace, gapMs).map((frame) => frame.at);
    coalesced.push(...frames);
    confirmPings += replayPings(frames, CONFIRM_RTT_MS).length;
  }
  coalesced.sort((a, b) => a - b);
  uncoalesced.sort((a, b) => a - b);
  const minutes = hours * 60;
  const awake = awakeMs(coalesced, MESSAGE_PROCESSING_MS);
  const awakeUncoalesced = awakeMs(uncoalesced, MESSAGE_PROCESSING_MS);
  return {
    people,
    gapMs,
    simulatedHours: hours,
    keystrokes,
    codePoints,
    keystrokesByKind: byKind,
    keysPerSecondWhileTyping: wordKeyMs > 0 ? (wordKeys * 1_000) / wordKeyMs : 0,
    framesPerKeystroke: { coalesced: coalesced.length / keystrokes, uncoalesced: uncoalesced.length / keystrokes },
    framesPerCodePoint: { coalesced: coalesced.length / codePoints, uncoalesced: uncoalesced.length / codePoints },
    framesPerMinute: { coalesced: coalesced.length / minutes, uncoalesced: uncoalesced.length / minutes },
    keystrokesPerMinute: keystrokes / minutes,
    awakeSecondsPerHour: {
      coalesced: awake.ms / 1_000 / hours,
      uncoalesced: awakeUncoalesced.ms / 1_000 / hours,
    },
    flushTickShare: awake.ticksArmed / Math.max(1, coalesced.length),
    confirmPingsPerMinute: confirmPings / minutes,
  };
}
