import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startConsoleServer, type ConsoleServer } from "../../../scripts/with-server.mjs";
import {
  isLoopback,
  normalizeIp,
  parseTrustedProxies,
  resolveClientIp,
  type ProxyTrust,
} from "../front/client-address.mjs";

// The HTTP front (server.mjs) decides the client's address from the socket and TENANCY_TRUSTED_PROXIES.
// Per-IP limits and the dev mailbox depend on it, so a client must not be able to pick its address.

const none = parseTrustedProxies(undefined);

describe("resolving the client IP", () => {
  it("uses the socket's address when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(resolveClientIp("203.0.113.7", "198.51.100.1", none)).toBe("203.0.113.7");
    expect(resolveClientIp("::ffff:203.0.113.7", undefined, none)).toBe("203.0.113.7");
    expect(resolveClientIp(undefined, "198.51.100.1", none)).toBeNull();
  });

  it("with a hop count, takes the address the outermost trusted proxy saw", () => {
    const one = parseTrustedProxies("1");
    const two = parseTrustedProxies("2");
    // client 198.51.100.1 -> proxy (socket 10.0.0.5); a forged entry on the left changes nothing.
    expect(resolveClientIp("10.0.0.5", "6.6.6.6, 198.51.100.1", one)).toBe("198.51.100.1");
    expect(resolveClientIp("10.0.0.5", "6.6.6.6, 198.51.100.1, 10.0.0.9", two)).toBe("198.51.100.1");
    // Fewer entries than hops: the leftmost there is.
    expect(resolveClientIp("10.0.0.5", "198.51.100.1", two)).toBe("198.51.100.1");
    expect(resolveClientIp("10.0.0.5", undefined, one)).toBe("10.0.0.5");
    // A garbled entry ends the trusted part of the chain.
    expect(resolveClientIp("10.0.0.5", "198.51.100.1, not-an-ip", two)).toBe("10.0.0.5");
  });

  it("with a list, skips trusted proxies from the right and stops at the first untrusted address", () => {
    const trust = parseTrustedProxies("10.0.0.0/8, 192.0.2.10, loopback");
    expect(resolveClientIp("10.1.2.3", "198.51.100.1", trust)).toBe("198.51.100.1");
    expect(resolveClientIp("127.0.0.1", "6.6.6.6, 198.51.100.1, 192.0.2.10", trust)).toBe("198.51.100.1");
    // Only a trusted peer's header counts: from an untrusted socket, X-Forwarded-For is ignored.
    expect(resolveClientIp("203.0.113.7", "198.51.100.1", trust)).toBe("203.0.113.7");
    // Every hop trusted: the leftmost address.
    expect(resolveClientIp("10.0.0.1", "10.0.0.2, 10.0.0.3", trust)).toBe("10.0.0.2");
    // Ports, brackets and IPv6.
    expect(resolveClientIp("::1", "[2001:db8::1]:443", trust)).toBe("2001:db8::1");
    expect(resolveClientIp("10.0.0.1", "198.51.100.1:5123", trust)).toBe("198.51.100.1");
    const v6 = parseTrustedProxies("2001:db8:ffff::/48");
    expect(resolveClientIp("2001:db8:ffff::2", "2001:db8:1::7", v6)).toBe("2001:db8:1::7");
  });

  it("refuses a setting it cannot use, and reads 0/none/empty as trusting nobody", () => {
    for (const bad of ["10.0.0.0/33", "example.com", "10.0.0.1, lan"]) {
      expect(() => parseTrustedProxies(bad), bad).toThrow(/TENANCY_TRUSTED_PROXIES/);
    }
    for (const nobody of ["", " ", "0", "none", undefined]) {
      expect(parseTrustedProxies(nobody)).toEqual({ kind: "none" } satisfies ProxyTrust);
    }
  });

  it("knows loopback addresses", () => {
    for (const ip of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
      expect(isLoopback(normalizeIp(ip)), ip).toBe(true);
    for (const ip of ["192.0.2.2", "fd00::2", "10.0.0.1", null])
      expect(isLoopback(normalizeIp(ip)), String(ip)).toBe(false);
  });
});

const PREVIEW_LIMIT = 3;

async function previewStatuses(baseUrl: string, headers: (i: number) => Record<string, string>, count: number) {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const input = encodeURIComponent(JSON.stringify({ json: { token: `no-such-token-${randomUUID()}` } }));
    const response = await fetch(`${baseUrl}/api/trpc/organizations.invitations.preview?input=${input}`, {
      headers: headers(i),
    });
    statuses.push(response.status);
  }
  return statuses;
}

/** A non-loopback address of this machine, to reach a server bound to every interface from "elsewhere". */
const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

describe("the front in front of a real console, trusting no proxy (the default)", () => {
  let server: ConsoleServer;
  beforeAll(async () => {
    server = await startConsoleServer({
      hostname: "0.0.0.0",
      env: { TENANCY_RATE_PREVIEW_PER_IP: String(PREVIEW_LIMIT), TENANCY_LOG_EMAIL_LINKS: "on" },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("a fresh X-Forwarded-For (or a forged internal header) on each request does not buy a fresh budget", async () => {
    // Before the fix, each claimed address had its own budget: every one of these was a 404.
    const statuses = await previewStatuses(
      server.baseUrl,
      (i) => ({
        "x-forwarded-for": `198.51.100.${i + 1}`,
        "x-real-ip": `192.0.2.${i + 1}`,
        "x-tenancy-client-ip": `203.0.113.${i + 1}`,
      }),
      PREVIEW_LIMIT + 2,
    );
    expect(statuses).toEqual([...Array(PREVIEW_LIMIT).fill(404), 429, 429]);
  });

  it.skipIf(!externalAddress)("does not show the dev mailbox to a visitor from another address", async () => {
    const url = `http://${externalAddress}:${server.port}`;
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    expect((await fetch(`${url}/dev/mailbox`)).status).toBe(404);
    // Not even with the header the front would set for a local visitor.
    expect((await fetch(`${url}/dev/mailbox`, { headers: { "x-tenancy-local-client": "1" } })).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/dev/mailbox`)).status).toBe(200);
  });

  it("prints links to the log only when TENANCY_LOG_EMAIL_LINKS=on", async () => {
    const email = `linked-${randomUUID().slice(0, 8)}@example.com`;
    const signUp = await fetch(`${server.baseUrl}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.baseUrl },
      body: JSON.stringify({ name: "Linked", email, password: "correct-horse-battery" }),
    });
    expect(signUp.status).toBe(200);
    const deadline = Date.now() + 30_000;
    const line = () =>
      readFileSync(server.logFile, "utf8")
        .split("\n")
        .find((l) => l.includes(`email_verification for ${email}:`));
    while (!line() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(line()).toMatch(/\/api\/auth\/verify-email\?token=/);
  });
});

describe("the front behind a trusted proxy (TENANCY_TRUSTED_PROXIES=loopback)", () => {
  let server: ConsoleServer;
  beforeAll(async () => {
    server = await startConsoleServer({
      env: { TENANCY_RATE_PREVIEW_PER_IP: String(PREVIEW_LIMIT), TENANCY_TRUSTED_PROXIES: "loopback" },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("counts per client address the proxy reports, and a client cannot forge it through the proxy", async () => {
    // One client behind the proxy, prepending forged entries: all its requests share one budget.
    const forged = await previewStatuses(
      server.baseUrl,
      (i) => ({ "x-forwarded-for": `6.6.6.${i}, 198.51.100.77` }),
      PREVIEW_LIMIT + 1,
    );
    expect(forged).toEqual([...Array(PREVIEW_LIMIT).fill(404), 429]);
    // Another client (another address reported by the proxy) has its own budget.
    expect(await previewStatuses(server.baseUrl, () => ({ "x-forwarded-for": "198.51.100.78" }), 1)).toEqual([404]);
  });
});
