import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import type { TestProject } from "vitest/node";

import { startDnsServer } from "@tenancy/testing/dns-server";

import { startConsoleServer } from "../../../scripts/with-server.mjs";

/** Redeem attempts (join, accept, decline) allowed per user per minute: low enough to reach in a test. */
const REDEEM_LIMIT = 5;

/** The platform operator the contract and HTTP tests sign up as. */
const OPERATOR_EMAIL = "contract-operator@example.com";

export default async function setup(project: TestProject) {
  // DNS lookups (proving verified domains) go to a server on loopback: TXT records are whatever the
  // tests write to this JSON file.
  const dnsDir = mkdtempSync(path.join(os.tmpdir(), "tenancy-console-dns-"));
  const dnsRecords = path.join(dnsDir, "records.json");
  writeFileSync(dnsRecords, "{}");
  const dns = await startDnsServer({ recordsFile: dnsRecords });
  const server = await startConsoleServer({
    env: {
      TENANCY_DNS_SERVERS: dns.address,
      TENANCY_RATE_REDEEM_PER_USER: String(REDEEM_LIMIT),
      TENANCY_RATE_REDEEM_PER_IP: "1000",
      TENANCY_RATE_PREVIEW_PER_IP: "1000",
      TENANCY_OPERATOR_EMAILS: OPERATOR_EMAIL,
    },
  });
  project.provide("baseUrl", server.baseUrl);
  project.provide("serverLog", server.logFile);
  project.provide("dataDir", server.dataDir);
  project.provide("redeemLimit", REDEEM_LIMIT);
  project.provide("dnsRecords", dnsRecords);
  project.provide("operatorEmail", OPERATOR_EMAIL);
  return async () => {
    await server.stop();
    await dns.stop();
    rmSync(dnsDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    serverLog: string;
    /** TENANCY_DATA_DIR of the running server. */
    dataDir: string;
    redeemLimit: number;
    /** JSON file `{ "<name>": ["txt", ...] }` the test DNS server answers from. */
    dnsRecords: string;
    operatorEmail: string;
  }
}
