import { Resolver } from "node:dns/promises";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startDnsServer, type DnsServer } from "../src/dns-server";

describe("the test DNS server", () => {
  let server: DnsServer;
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  beforeAll(async () => {
    server = await startDnsServer({ records: { "_probe.example.test": ["hello", "x".repeat(300)] } });
    resolver.setServers([server.address]);
  });
  afterAll(() => server.stop());

  it("answers TXT queries through Node's resolver, long values in 255-byte pieces", async () => {
    const records = await resolver.resolveTxt("_probe.example.test");
    expect(records.map((chunks) => chunks.join(""))).toEqual(["hello", "x".repeat(300)]);
    expect(records[1]!.map((chunk) => chunk.length)).toEqual([255, 45]);
  });

  it("says NXDOMAIN for unknown names and no data for names without TXT", async () => {
    await expect(resolver.resolveTxt("nothing.example.test")).rejects.toMatchObject({ code: "ENOTFOUND" });
    server.setTxt("empty.example.test", []);
    await expect(resolver.resolveTxt("empty.example.test")).rejects.toMatchObject({ code: "ENODATA" });
  });
});
