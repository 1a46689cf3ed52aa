/**
 * What makes a name a name: the rules every side applies, so that nobody can pose as someone
 * else or as the page itself. The room checks them on every `name`, and the page checks them
 * again wherever it shows a name, because names will soon be end-to-end encrypted and the room
 * will no longer be able to read them.
 */

/**
 * Bidirectional formatting characters (LRM, RLM, ALM, the embeddings, overrides and isolates):
 * a name that holds one can reverse itself ("\u202Eevil" reads "live") or the text after it.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** Letters and symbols that show nothing: Hangul fillers, the braille blank, the Mongolian vowel separator. */
const BLANKS = /[\u115f\u1160\u3164\uffa0\u2800\u180e]/gu;

/** Something a reader can see: a letter, a digit, punctuation or a symbol. */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/** Names that would read as the page's own marker for your entry. */
const YOU_MARKER = /\(\s*you\s*\)/iu;

/** What is wrong with a name (already trimmed and checked for length and control characters), or null. */
export function nameProblem(name: string): string | null {
  if (BIDI_CONTROLS.test(name)) return "must not contain text-direction controls";
  if (!VISIBLE.test(name.replace(BLANKS, ""))) return "must contain a visible character";
  if (YOU_MARKER.test(name)) return 'must not contain "(you)"';
  return null;
}

/**
 * The form two names are compared in: "Ana", "ana" and "Ａｎａ" are the same name to a reader,
 * so only one live person may hold it.
 */
export function nameKey(name: string): string {
  return name.normalize("NFKC").toLocaleLowerCase("en-US").replace(/\s+/gu, " ").trim();
}
