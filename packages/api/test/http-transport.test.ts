import { beforeEach, describe, expect, it } from "vitest";

import { createAuth } from "../src/auth/auth";
import { sessionLookupOf } from "../src/auth/sessionLookup";
import { createRequestContext } from "../src/context";
import { MAX_BATCH_CALLS } from "../src/http/limits";
import { handleTrpcRequest } from "../src/http/trpc-handler";
import { handleV1Request } from "../src/http/v1-handler";
import { countRows, testConfig, useTestDatabase } from "./harness";

// The two HTTP transports (/v1 and /api/trpc) with real Better Auth sessions: what a browser on
// another site can and cannot make them do with the session cookie, and what they read at all.

const db = useTestDatabase();

const ORIGIN = "http://tenancy.test";
const EVIL = "https://evil.example";
const MAX_BODY = 64 * 1024;
const config = { ...testConfig, maxBodyBytes: MAX_BODY };

let authInstance: ReturnType<typeof createAuth> | undefined;
const auth = () =>
  (authInstance ??= createAuth({
    db: db.prisma,
    secrets: config.secrets,
    baseURL: ORIGIN,
    trustedOrigins: config.trustedOrigins,
    rateLimit: false,
  }));

const createContext = async (request: Request) =>
  createRequestContext({
    db: db.prisma,
    headers: request.headers,
    config,
    sessions: await sessionLookupOf(auth(), config.secrets),
    collectSetCookies: true,
    refuseCrossSite: true,
  });

function v1(path: string, init: RequestInit & { duplex?: "half" }) {
  return handleV1Request(new Request(`${ORIGIN}/v1/organizations/${path}`, init), createContext, {
    maxBodyBytes: MAX_BODY,
  });
}

function trpc(pathAndQuery: string, init: RequestInit & { duplex?: "half" } = {}) {
  return handleTrpcRequest(new Request(`${ORIGIN}/api/trpc/${pathAndQuery}`, init), {
    endpoint: "/api/trpc",
    maxBodyBytes: MAX_BODY,
    createContext,
  });
}

let cookie = "";
beforeEach(async () => {
  const response = await auth().handler(
    new Request(`${ORIGIN}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ name: "Ada", email: "ada@example.com", password: "correct-horse-battery" }),
    }),
  );
  expect(response.status).toBe(200);
  cookie = response.headers.getSetCookie()[0]!.split(";")[0]!;
});

const json = (body: unknown) => JSON.stringify(body);
const v1Error = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;
const trpcReason = async (response: Response) => {
  const body = (await response.json()) as unknown;
  const first = (Array.isArray(body) ? body[0] : body) as { error: { json: { data: { reason: string } } } };
  return first.error.json.data.reason;
};

describe("cross-site requests with the session cookie", () => {
  it("/v1 refuses a write from a foreign Origin before any work, whatever the body (the reported repro)", async () => {
    const attempts: [string, Record<string, string>, string][] = [
      ["json", { "content-type": "application/json" }, json({ name: "Evil Corp" })],
      ["text/plain", { "content-type": "text/plain" }, json({ name: "Evil Corp" })],
      ["form", { "content-type": "application/x-www-form-urlencoded" }, "name=Evil+Corp"],
      ["multipart", { "content-type": "multipart/form-data; boundary=x" }, "--x--"],
      ["no content type", {}, json({ name: "Evil Corp" })],
    ];
    for (const [label, headers, body] of attempts) {
      const response = await v1("create", { method: "POST", headers: { ...headers, cookie, origin: EVIL }, body });
      expect([403, 415], label).toContain(response.status);
      expect(["cross_site_request", "unsupported_media_type"], label).toContain(await v1Error(response));
    }
    const jsonFromEvil = await v1("create", {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: EVIL },
      body: json({ name: "Evil Corp" }),
    });
    expect(jsonFromEvil.status).toBe(403);
    expect(await v1Error(jsonFromEvil)).toBe("cross_site_request");
    expect(await countRows(db, "organization")).toBe(0);
  });

  it("/v1 decides by Origin, else by Sec-Fetch-Site; non-browser clients (neither header) are unaffected", async () => {
    const create = (headers: Record<string, string>) =>
      v1("create", {
        method: "POST",
        headers: { "content-type": "application/json", cookie, ...headers },
        body: json({ name: "Acme" }),
      });
    const refused: Record<string, string>[] = [
      { origin: "null" },
      { origin: "http://tenancy.test:8080" },
      { origin: "https://tenancy.test" },
      { origin: "http://evil.tenancy.test" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
    ];
    for (const headers of refused) {
      const response = await create(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
    }
    expect(await countRows(db, "organization")).toBe(0);
    const accepted: Record<string, string>[] = [
      { origin: ORIGIN },
      { origin: ORIGIN, "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "none" },
      {},
    ];
    for (const headers of accepted) {
      const response = await create(headers);
      expect(response.status, JSON.stringify(headers)).toBe(200);
    }
    expect(await countRows(db, "organization")).toBe(5);
  });

  it("/v1 lets bearer-token requests and anonymous ones through from anywhere (no cookie, no ambient authority)", async () => {
    const created = await v1("create", {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: ORIGIN },
      body: json({ name: "Acme" }),
    });
    const { organization } = (await created.json()) as { organization: { id: string } };
    const minted = await v1("tokens/create", {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: json({ organizationId: organization.id }),
    });
    const { apiToken } = (await minted.json()) as { apiToken: { bearer: string } };
    const viaToken = await v1("get", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiToken.bearer}`, origin: EVIL },
      body: json({ organizationId: organization.id }),
    });
    expect(viaToken.status).toBe(200);
    const anonymous = await v1("roles", { method: "POST", headers: { origin: EVIL, "sec-fetch-site": "cross-site" } });
    expect(anonymous.status).toBe(200);
  });

  it("/api/trpc refuses the same requests, in tRPC's error shape, for queries and mutations", async () => {
    const mutation = await trpc("organizations.create", {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: EVIL },
      body: json({ json: { name: "Evil Corp" } }),
    });
    expect(mutation.status).toBe(403);
    expect(await trpcReason(mutation)).toBe("cross_site_request");
    const query = await trpc("organizations.list?batch=1&input=%7B%7D", {
      headers: { cookie, "sec-fetch-site": "cross-site" },
    });
    expect(query.status).toBe(403);
    expect(await trpcReason(query)).toBe("cross_site_request");
    expect(await countRows(db, "organization")).toBe(0);

    const own = await trpc("organizations.create", {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: ORIGIN, "sec-fetch-site": "same-origin" },
      body: json({ json: { name: "Acme" } }),
    });
    expect(own.status).toBe(200);
    expect(await countRows(db, "organization")).toBe(1);
  });
});

describe("request bodies", () => {
  it("/v1 takes JSON only: other media types get 415 even from a trusted origin", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const response = await v1("create", {
        method: "POST",
        headers: { "content-type": type, cookie, origin: ORIGIN },
        body: json({ name: "Acme" }),
      });
      expect(response.status, type).toBe(415);
      expect(await v1Error(response)).toBe("unsupported_media_type");
    }
    const untyped = await v1("create", { method: "POST", headers: { cookie }, body: json({ name: "Acme" }) });
    expect(untyped.status).toBe(415);
    // A JSON media type with parameters, or no body at all, is fine.
    const withCharset = await v1("create", {
      method: "POST",
      headers: { "content-type": "Application/JSON; charset=utf-8", cookie },
      body: json({ name: "Acme" }),
    });
    expect(withCharset.status).toBe(200);
    expect((await v1("list", { method: "POST", headers: { cookie } })).status).toBe(200);
    expect(await countRows(db, "organization")).toBe(1);
  });

  it("/api/trpc takes JSON only too (415 for forms, files, text and untyped bodies)", async () => {
    for (const headers of [
      { "content-type": "text/plain" },
      { "content-type": "application/x-www-form-urlencoded" },
      { "content-type": "multipart/form-data; boundary=x" },
      { "content-type": "application/octet-stream" },
      {} as Record<string, string>,
    ]) {
      const response = await trpc("organizations.create", {
        method: "POST",
        headers: { ...headers, cookie, origin: ORIGIN },
        body: json({ json: { name: "Acme" } }),
      });
      expect(response.status, JSON.stringify(headers)).toBe(415);
      expect(await trpcReason(response)).toBe("unsupported_media_type");
    }
    expect(await countRows(db, "organization")).toBe(0);
  });

  it("refuses an oversized body with 413 before authentication or parsing, on both transports", async () => {
    const big = json({ name: "x".repeat(MAX_BODY) });
    // Anonymous: 413, not 401 (the body is refused before anything looks at who is asking).
    const v1Big = await v1("create", { method: "POST", headers: { "content-type": "application/json" }, body: big });
    expect(v1Big.status).toBe(413);
    expect(await v1Error(v1Big)).toBe("payload_too_large");
    const trpcBig = await trpc("organizations.create", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: json({ json: { name: "x".repeat(MAX_BODY) } }),
    });
    expect(trpcBig.status).toBe(413);
    expect(await trpcReason(trpcBig)).toBe("payload_too_large");
    // Just under the limit is read (and then judged on its merits: the name is too long).
    const fits = await v1("create", {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: json({ name: "x".repeat(MAX_BODY - 100) }),
    });
    expect(fits.status).toBe(400);
    expect(await v1Error(fits)).toBe("invalid_input");
  });

  it("stops reading a body sent without Content-Length as soon as it passes the limit", async () => {
    for (const send of [
      (body: ReadableStream) =>
        v1("create", { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" }),
      (body: ReadableStream) =>
        trpc("organizations.create", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          duplex: "half",
        }),
    ]) {
      let pulled = 0;
      const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
      // 100 MB if read to the end.
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1;
          if (pulled > 6400) controller.close();
          else controller.enqueue(chunk);
        },
      });
      const response = await send(stream);
      expect(response.status).toBe(413);
      expect(pulled).toBeLessThan(MAX_BODY / chunk.byteLength + 4);
    }
  });

  it(`caps a tRPC batch at ${MAX_BATCH_CALLS} calls (413)`, async () => {
    const batch = (n: number) => {
      const paths = Array.from({ length: n }, () => "organizations.roles").join(",");
      return trpc(`${paths}?batch=1&input=%7B%7D`, { headers: { cookie } });
    };
    expect((await batch(MAX_BATCH_CALLS)).status).toBe(200);
    const tooMany = await batch(MAX_BATCH_CALLS + 1);
    expect(tooMany.status).toBe(413);
    expect(await trpcReason(tooMany)).toBe("payload_too_large");
  });

  it("a NUL in a tRPC GET input is 400 invalid_input, not a database error", async () => {
    const input = encodeURIComponent(json({ json: { organizationId: "acme\u0000" } }));
    const response = await trpc(`organizations.get?input=${input}`, { headers: { cookie } });
    expect(response.status).toBe(400);
    expect(await trpcReason(response)).toBe("invalid_input");
  });

  it("/v1 answers every refusal with a reason from ERROR_REASONS", async () => {
    const unknown = await v1("no/such/endpoint", { method: "POST" });
    expect([unknown.status, await v1Error(unknown)]).toEqual([404, "not_found"]);
    const get = await v1("list", { method: "GET", headers: { cookie } });
    expect([get.status, await v1Error(get), get.headers.get("allow")]).toEqual([405, "method_not_allowed", "POST"]);
    const broken = await v1("create", {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: "{not json",
    });
    expect([broken.status, await v1Error(broken)]).toEqual([400, "invalid_json"]);
  });
});
