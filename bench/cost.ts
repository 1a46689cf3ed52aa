/**
 * `npm run cost`: will it stay free? The daily use of N rooms against the Workers Free plan.
 *
 *   npm run cost                                     100 rooms a day, 0.5 h each, 2 people
 *   npm run cost -- --rooms 40 --hours 1 --people 5  your own numbers (per day)
 *   npm run cost -- --json                           the same as JSON
 *
 * It generates realistic typing (seeded, so every run prints the same numbers), replays it
 * through the page's own send rule (SendPacer in src/client/outgoing.ts) to count frames, and
 * prices the result with the Free plan's published limits. docs/cost.md explains the model; the
 * model is in bench/cost/ (typing.ts, price.ts, report.ts, render.ts), this file is its command line.
 */
import { parseArgs } from "node:util";
import { render } from "./cost/render.ts";
import { type ReportInput, report } from "./cost/report.ts";

const HELP = `Usage: npm run cost -- [--rooms N] [--hours H] [--people P] [--seed S] [--json]

  --rooms N    conversations (rooms) per day                      default 100
  --hours H    hours each conversation lasts                      default 0.5
  --people P   people in each conversation, 1 to 16               default 2
  --seed S     seed of the generated typing (a whole number)      default 1
  --json       print JSON instead of tables
  --help       this text`;

class UsageError extends Error {}

function number(name: string, raw: string | undefined, fallback: number, whole = false): number {
  if (raw === undefined) return fallback;
  const n = raw.trim() === "" ? Number.NaN : Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number, got "${raw}"`);
  if (whole && !Number.isSafeInteger(n)) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  return n;
}

interface Options extends ReportInput {
  json: boolean;
  help: boolean;
}

/** The flags of `npm run cost`, with their defaults; throws UsageError on any it does not take. */
export function parseOptions(args: string[]): Options {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(args).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const people = number("people", values.people, 2, true);
  if (people < 1 || people > 16) throw new UsageError(`--people must be from 1 to 16 (MAX_PEERS), got ${people}`);
  return {
    rooms: number("rooms", values.rooms, 100),
    hours: number("hours", values.hours, 0.5),
    people,
    seed: number("seed", values.seed, 1, true),
    json: values.json ?? false,
    help: values.help ?? false,
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      rooms: { type: "string" },
      hours: { type: "string" },
      people: { type: "string" },
      seed: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
}

function main(): void {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`cost: ${error.message}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    console.log(HELP);
    return;
  }
  const r = report(options);
  console.log(options.json ? JSON.stringify(r, null, 2) : render(r));
}

if (import.meta.main) main();
