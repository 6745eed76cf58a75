import { Resolver } from "node:dns/promises";

import type { ApiConfig } from "../config";

export type TxtLookup = { ok: true; values: string[] } | { ok: false; code: string; message: string };

/**
 * The TXT records at `name`, through Node's resolver: the servers in TENANCY_DNS_SERVERS when set
 * (a test runs its own on loopback), else the system's. Failures come back as words for the owner.
 */
export async function lookupTxt(name: string, dns: ApiConfig["dns"]): Promise<TxtLookup> {
  const resolver = new Resolver({ timeout: dns?.timeoutMs ?? 5000, tries: 2 });
  if (dns?.servers && dns.servers.length > 0) resolver.setServers(dns.servers);
  try {
    const records = await resolver.resolveTxt(name);
    // A TXT record arrives in pieces of at most 255 bytes: rejoin them.
    return { ok: true, values: records.map((chunks) => chunks.join("")) };
  } catch (error) {
    const code = (error as { code?: string }).code ?? "EUNKNOWN";
    if (code === "ENOTFOUND" || code === "ENODATA") {
      return { ok: false, code, message: `No TXT record found at ${name} yet.` };
    }
    return {
      ok: false,
      code,
      message: `The DNS lookup of ${name} failed (${code}). DNS changes can take a while to spread; try again in a few minutes.`,
    };
  }
}
