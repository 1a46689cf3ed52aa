/**
 * The compose field: turns whatever a keyboard, an input method or dictation inserts into text
 * to say, and refuses every kind of edit. There is no backspace: what is typed is said.
 *
 * Text is read from `beforeinput`/`input` and composition events, not keydown. Virtual keyboards
 * and IMEs send no reliable key events. The field stays empty between inputs. An IME composes
 * inside it (its candidate window needs a real field), and the text is said when the
 * composition is committed: until then the IME may still change it.
 */

export type Refusal = "delete" | "paste" | "drop" | "undo" | "edit";

export interface ComposeHandlers {
  /** Text that was typed and is now said. Never empty. */
  onText(text: string): void;
  /** The person tried an edit that this chat does not allow. */
  onRefused(what: Refusal): void;
}

/**
 * inputTypes that add new text: the only kind of input there is. Spell-check and autocorrect
 * replacements (insertReplacementText) rewrite what was already said, so they are refused.
 */
const INSERTS = new Set(["insertText", "insertCompositionText", "insertFromComposition"]);
const LINE_BREAKS = new Set(["insertLineBreak", "insertParagraph"]);

export function attachCompose(field: HTMLTextAreaElement, handlers: ComposeHandlers): void {
  let composing = false;

  /** Says what is in the field and empties it, unless an IME is still composing. */
  const flush = () => {
    if (composing || field.value === "") return;
    const text = field.value;
    field.value = "";
    handlers.onText(text);
  };

  field.addEventListener("beforeinput", (event) => {
    // Inside a composition the IME owns the text (and its events cannot be cancelled anyway).
    if (composing || event.isComposing) return;
    if (LINE_BREAKS.has(event.inputType)) {
      event.preventDefault();
      flush();
      handlers.onText("\n");
      return;
    }
    if (INSERTS.has(event.inputType)) return;
    event.preventDefault();
    handlers.onRefused(refusalOf(event.inputType));
  });

  field.addEventListener("input", (event) => {
    if (!(event instanceof InputEvent) || !event.isComposing) flush();
  });
  field.addEventListener("compositionstart", () => {
    composing = true;
  });
  field.addEventListener("compositionend", () => {
    composing = false;
    flush();
  });

  // Belt and braces for browsers whose beforeinput misses a case; IMEs still edit their own text.
  field.addEventListener("keydown", (event) => {
    if (composing || event.isComposing) return;
    if (event.key === "Backspace" || event.key === "Delete") {
      event.preventDefault();
      handlers.onRefused("delete");
    }
  });
  for (const type of ["paste", "drop", "cut"] as const) {
    field.addEventListener(type, (event) => {
      event.preventDefault();
      handlers.onRefused(type === "cut" ? "delete" : type);
    });
  }
  field.addEventListener("dragover", (event) => event.preventDefault());
}

function refusalOf(inputType: string): Refusal {
  if (inputType.startsWith("delete")) return "delete";
  if (inputType === "insertFromPaste" || inputType === "insertFromPasteAsQuotation") return "paste";
  if (inputType === "insertFromDrop") return "drop";
  if (inputType.startsWith("history")) return "undo";
  return "edit";
}
