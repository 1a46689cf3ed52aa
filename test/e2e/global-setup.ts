/** Starts one `wrangler dev` for all browser tests and hands its URL to them. */
import type { TestProject } from "vitest/node";
import { startDevServer } from "../../scripts/dev-server.ts";
import { E2E_VARS } from "./settings.ts";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startDevServer(E2E_VARS);
  project.provide("baseUrl", server.url);
  return server.stop;
}
