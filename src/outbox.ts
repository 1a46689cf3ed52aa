/**
 * What a busy room owes its people between two flush ticks: frames queued in the order they
 * were said, each with the one socket that must not get it (its sender), turned into one
 * message per person when the tick fires. Pure and generic over the socket type, so the
 * batching rules are tested without a runtime (test/outbox.test.ts).
 */
import { MAX_QUEUED_FRAMES } from "./coalesce";
import { encodeBatch } from "./protocol";

export class Outbox<Socket> {
  #queued: { text: string; except: Socket | undefined }[] = [];

  get size(): number {
    return this.#queued.length;
  }

  /** Queues an encoded frame for everyone but `except`. True when the queue is full: flush now. */
  push(text: string, except: Socket | undefined): boolean {
    this.#queued.push({ text, except });
    return this.#queued.length >= MAX_QUEUED_FRAMES;
  }

  /**
   * Empties the queue. The returned function gives one person's message: the frame alone, a
   * batch of several in order, or undefined when nothing queued is for them.
   */
  drain(): (recipient: Socket) => string | undefined {
    const queued = this.#queued;
    this.#queued = [];
    return (recipient) => {
      const texts: string[] = [];
      for (const item of queued) if (item.except !== recipient) texts.push(item.text);
      return texts.length > 1 ? encodeBatch(texts) : texts[0];
    };
  }
}
