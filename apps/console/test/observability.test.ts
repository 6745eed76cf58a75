import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { startConsoleServer, type ConsoleServer } from "../../../scripts/with-server.mjs";

// What an operator sees of the built server (its front, server.mjs): request ids, one JSON log line
// per request with what the API layer annotated, /metrics, /api/health and /api/ready.
const baseUrl = inject("baseUrl");
const serverLog = inject("serverLog");
const redeemLimit = inject("redeemLimit");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type LogLine = Record<string, unknown> & { msg: string; level: string };

function logLines(file = serverLog): LogLine[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`Not a JSON log line: ${line}`);
      }
    });
}

/** The request's log line (written once its response is over: wait for it). */
async function requestLine(requestId: string, file = serverLog): Promise<LogLine> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const line = logLines(file).find((entry) => entry.requestId === requestId && entry.scope === "http");
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`No log line for request ${requestId}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function signUp(): Promise<{ cookie: string; email: string }> {
  const email = `observed-${randomUUID().slice(0, 8)}@example.com`;
  const response = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ name: "Observed", email, password: "correct-horse-battery" }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers
    .getSetCookie()
    .find((line) => line.startsWith("better-auth.session_token="))!
    .split(";")[0]!;
  return { cookie, email };
}

async function v1(path: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(`${baseUrl}/v1/organizations/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field
  return { response, body: (await response.json()) as any };
}

describe("request ids", () => {
  it("gives every request an id, echoes it, and does not believe one a client sends", async () => {
    const response = await fetch(`${baseUrl}/v1/openapi.json`, { headers: { "x-request-id": "chosen-by-the-client" } });
    const id = response.headers.get("x-request-id")!;
    expect(id).toMatch(UUID);
    expect((await requestLine(id)).path).toBe("/v1/openapi.json");
  });

  describe("behind a trusted proxy (TENANCY_TRUSTED_PROXIES=loopback)", () => {
    let proxied: ConsoleServer;
    beforeAll(async () => {
      proxied = await startConsoleServer({ env: { TENANCY_TRUSTED_PROXIES: "loopback" } });
    });
    afterAll(async () => {
      await proxied?.stop();
    });

    it("keeps the proxy's id when it is sensible, and replaces one that is not", async () => {
      const kept = await fetch(`${proxied.baseUrl}/v1/openapi.json`, { headers: { "x-request-id": "lb-7f3a:42" } });
      expect(kept.headers.get("x-request-id")).toBe("lb-7f3a:42");
      expect((await requestLine("lb-7f3a:42", proxied.logFile)).status).toBe(200);
      for (const odd of ["has spaces in it", "x".repeat(200), "new\\nline"]) {
        const replaced = await fetch(`${proxied.baseUrl}/api/health`, { headers: { "x-request-id": odd } });
        expect(replaced.headers.get("x-request-id")).toMatch(UUID);
      }
    });
  });
});

describe("the request log", () => {
  it("writes one JSON line per request: method, path, status, duration, procedure, actor, request id", async () => {
    const owner = await signUp();
    const created = await v1("create", { name: "Logged Org" }, { cookie: owner.cookie, origin: baseUrl });
    expect(created.response.status).toBe(200);
    // The annotations are for the front only: no client sees them.
    expect([...created.response.headers.keys()].filter((name) => name.startsWith("x-tenancy-"))).toEqual([]);
    const line = await requestLine(created.response.headers.get("x-request-id")!);
    expect(line).toMatchObject({
      level: "info",
      scope: "http",
      method: "POST",
      path: "/v1/organizations/create",
      status: 200,
      procedure: "organizations.create",
      actor: "user",
      ip: "127.0.0.1",
    });
    expect(line.durationMs).toEqual(expect.any(Number));
    expect(new Date(line.time as string).getTime()).toBeGreaterThan(Date.now() - 60_000);

    // An organization token, and tRPC (a batch of two procedures).
    const organizationId = created.body.organization.id as string;
    const token = await v1("tokens/create", { organizationId }, { cookie: owner.cookie, origin: baseUrl });
    const bearer = token.body.apiToken.bearer as string;
    const byToken = await v1("get", { organizationId }, { authorization: `Bearer ${bearer}` });
    expect(await requestLine(byToken.response.headers.get("x-request-id")!)).toMatchObject({
      procedure: "organizations.get",
      actor: "token",
      status: 200,
    });
    const input = encodeURIComponent(JSON.stringify({ 0: { json: { organizationId } }, 1: { json: {} } }));
    const batch = await fetch(`${baseUrl}/api/trpc/organizations.get,organizations.list?batch=1&input=${input}`, {
      headers: { cookie: owner.cookie, origin: baseUrl },
    });
    expect(batch.status).toBe(200);
    expect(await requestLine(batch.headers.get("x-request-id")!)).toMatchObject({
      path: "/api/trpc/organizations.get,organizations.list",
      procedure: "organizations.get,organizations.list",
      actor: "user",
    });
    const anonymous = await v1("get", { organizationId }, {});
    expect(anonymous.response.status).toBe(401);
    expect(await requestLine(anonymous.response.headers.get("x-request-id")!)).toMatchObject({
      procedure: "organizations.get",
      actor: "anonymous",
      status: 401,
    });

    // Never a credential: not the cookie, not the token's secret, not an invite link's token.
    const invite = await v1(
      "invitations/create",
      { organizationId, email: `invitee-${randomUUID().slice(0, 8)}@example.com` },
      { cookie: owner.cookie, origin: baseUrl },
    );
    const page = await fetch(`${baseUrl}/invite/${invite.body.token}?utm_source=mail`);
    expect(await requestLine(page.headers.get("x-request-id")!)).toMatchObject({
      path: "/invite/:token",
      method: "GET",
    });
    const log = readFileSync(serverLog, "utf8");
    for (const secret of [
      owner.cookie.split("=")[1]!,
      token.body.apiToken.secret as string,
      invite.body.token as string,
      "utm_source",
    ]) {
      expect(log).not.toContain(secret);
    }
  });

  it("names the rate limit that refused a request, in the log line and the metrics", async () => {
    const guesser = await signUp();
    let refused: Response | undefined;
    for (let attempt = 0; attempt <= redeemLimit; attempt++) {
      const { response } = await v1(
        "join-codes/join",
        { code: `WRONG-${attempt}-${randomUUID().slice(0, 6)}` },
        { cookie: guesser.cookie, origin: baseUrl },
      );
      refused = response;
    }
    expect(refused!.status).toBe(429);
    expect(await requestLine(refused!.headers.get("x-request-id")!)).toMatchObject({
      procedure: "organizations.joinCodes.join",
      rateLimit: "redeem:user",
      status: 429,
    });
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^tenancy_rate_limit_refusals_total\{limit="redeem:user"\} [1-9]\d*$/m);
  });
});

describe("health, readiness and metrics", () => {
  it("answers liveness (cheap) and readiness (database, migrations, email worker) as JSON", async () => {
    const health = await fetch(`${baseUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", uptimeSeconds: expect.any(Number) });
    const ready = await fetch(`${baseUrl}/api/ready`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get("cache-control")).toBe("no-store");
    expect(await ready.json()).toMatchObject({
      status: "ready",
      checks: {
        database: { ok: true, kind: "pglite", latencyMs: expect.any(Number) },
        migrations: { ok: true, applied: expect.any(Number), committed: expect.any(Number) },
        outboxWorker: { ok: true, state: "running" },
      },
    });
  });

  it("serves Prometheus metrics to this machine: requests, latency, outbox, worker, pool, process", async () => {
    await fetch(`${baseUrl}/api/health`);
    expect((await fetch(`${baseUrl}/api/logos/${"0".repeat(64)}`)).status).toBe(404);
    const unauthenticatedExport = await fetch(`${baseUrl}/api/audit/export?organizationId=nope&format=csv`);
    expect(unauthenticatedExport.status, await unauthenticatedExport.text()).toBe(401);
    let response = await fetch(`${baseUrl}/metrics`);
    // The worker delivers the sign-ups' verification emails to the dev mailbox within a few polls.
    for (
      let wait = 0;
      wait < 50 && !/deliveries_total\{result="sent"\} [1-9]/.test(await response.clone().text());
      wait++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      response = await fetch(`${baseUrl}/metrics`);
    }
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const series of [
      /^tenancy_http_requests_total\{procedure="health",status="200"\} [1-9]\d*$/m,
      // The download routes are labelled as what they are, not as pages.
      /^tenancy_http_requests_total\{procedure="logo",status="404"\} [1-9]\d*$/m,
      /^tenancy_http_requests_total\{procedure="audit-export",status="401"\} [1-9]\d*$/m,
      /^tenancy_http_requests_total\{procedure="organizations\.create",status="200"\} [1-9]\d*$/m,
      /^tenancy_http_request_duration_seconds_bucket\{le="0\.1",procedure="organizations\.create",status="200"\} \d+$/m,
      /^tenancy_http_requests_in_flight \d+$/m,
      /^tenancy_outbox_pending_emails \d+$/m,
      /^tenancy_outbox_oldest_pending_age_seconds [\d.e+-]+$/m,
      /^tenancy_outbox_failed_emails 0$/m,
      /^tenancy_outbox_worker_up 1$/m,
      /^tenancy_outbox_deliveries_total\{result="sent"\} [1-9]\d*$/m,
      /^tenancy_db_pool_max_connections\{database="pglite"\} 1$/m,
      /^tenancy_db_pool_connections\{database="pglite",state="idle"\} [01]$/m,
      /^tenancy_db_pool_waiting\{database="pglite"\} \d+$/m,
      /^process_resident_memory_bytes \d+/m,
      /^nodejs_eventloop_lag_seconds [\d.e+-]+$/m,
    ]) {
      expect(text).toMatch(series);
    }
  });

  it("refuses metrics to a visitor from elsewhere (through a proxy) when no token is set", async () => {
    const response = await fetch(`${baseUrl}/metrics`, { headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("TENANCY_METRICS_TOKEN");
  });

  describe("with TENANCY_METRICS_TOKEN", () => {
    const token = randomUUID();
    let scraped: ConsoleServer;
    beforeAll(async () => {
      scraped = await startConsoleServer({ env: { TENANCY_METRICS_TOKEN: token } });
    });
    afterAll(async () => {
      await scraped?.stop();
    });

    it("serves them to whoever presents it, from anywhere, and to nobody else", async () => {
      const url = `${scraped.baseUrl}/metrics`;
      const anonymous = await fetch(url);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
      const remote = { authorization: `Bearer ${token}`, "x-forwarded-for": "203.0.113.9" };
      const ok = await fetch(url, { headers: remote });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain("tenancy_http_requests_total");
      expect(readFileSync(scraped.logFile, "utf8")).not.toContain(token);
    });
  });
});
