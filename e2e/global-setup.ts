import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { startDnsServer } from "@tenancy/testing/dns-server";

import { buildConsole, startConsoleServer } from "../scripts/with-server.mjs";

import { OPERATOR_EMAIL } from "./tests/support";

/**
 * One console for the whole run, from scripts/with-server.mjs (shared with the console's HTTP
 * tests): the built app behind its front (server.mjs) on a free loopback port, with a fresh embedded database
 * in a temporary folder (removed afterwards), no SMTP (emails go to the dev mailbox) and auth rate
 * limiting off. Its DNS lookups (proving verified domains) go to a DNS server on loopback whose TXT
 * records the tests write to the JSON file named by E2E_DNS_RECORDS: no network.
 *
 * The console is built first through turbo (a cache hit when nothing changed), except when turbo
 * runs this task itself (turbo.json: @tenancy/e2e#test depends on @tenancy/console#build) or with
 * E2E_SKIP_BUILD=1. Set E2E_BASE_URL to test a console that is already running instead.
 */
export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.E2E_BASE_URL) return undefined;
  if (!process.env.TURBO_HASH && process.env.E2E_SKIP_BUILD !== "1") buildConsole();
  const dnsDir = mkdtempSync(path.join(os.tmpdir(), "tenancy-e2e-dns-"));
  const recordsFile = path.join(dnsDir, "records.json");
  writeFileSync(recordsFile, "{}");
  const dns = await startDnsServer({ recordsFile });
  // The server's output goes to this run's output, so a failure shows what the server said.
  const server = await startConsoleServer({
    echo: true,
    env: { TENANCY_DNS_SERVERS: dns.address, TENANCY_OPERATOR_EMAILS: OPERATOR_EMAIL },
  });
  // Workers start after this and inherit these; playwright.config.ts reads the URL for baseURL.
  process.env.E2E_BASE_URL = server.baseUrl;
  process.env.E2E_DNS_RECORDS = recordsFile;
  console.log(`[e2e] console at ${server.baseUrl} (fresh data in ${server.dataDir}, DNS at ${dns.address})`);
  return async () => {
    await server.stop();
    await dns.stop();
    rmSync(dnsDir, { recursive: true, force: true });
  };
}
