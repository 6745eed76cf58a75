import { createHmac } from "node:crypto";

import { beforeEach, describe, expect, it } from "vitest";

import { createAuth, type Auth } from "../src/auth/auth";
import { sessionLookupOf } from "../src/auth/sessionLookup";
import type { ServerSecrets } from "../src/config";
import { createRequestContext, type SessionLookup } from "../src/context";
import { handleV1Request } from "../src/http/v1-handler";
import { testConfig, useTestDatabase } from "./harness";

// The session cookie is read per request without a cache: the fast path (signature checked here,
// session + user + access in one statement) must refuse exactly what Better Auth refuses, at once,
// and leave to Better Auth what only it does (expiring and refreshing sessions and their cookie).

const db = useTestDatabase();

const ORIGIN = testConfig.publicUrl;
const OLD_SECRET = "an-old-server-secret-an-old-server-secret-1";
const UNKNOWN_SECRET = "a-secret-nobody-has-a-secret-nobody-has-99";
const DAY_MS = 86_400_000;

let auth: Auth;
let sessions: SessionLookup;

function setUp(secrets: ServerSecrets) {
  auth = createAuth({ db: db.prisma, secrets, baseURL: ORIGIN, trustedOrigins: [ORIGIN], rateLimit: false });
  return sessionLookupOf(auth, secrets).then((lookup) => {
    sessions = lookup;
  });
}

beforeEach(() => setUp(testConfig.secrets));

async function v1(path: string, body: unknown, headers: Record<string, string>) {
  const request = new Request(`${ORIGIN}/v1/organizations/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, ...headers },
    body: JSON.stringify(body),
  });
  const response = await handleV1Request(
    request,
    (req) =>
      createRequestContext({
        db: db.prisma,
        headers: req.headers,
        config: testConfig,
        sessions,
        collectSetCookies: true,
        refuseCrossSite: true,
      }),
    { maxBodyBytes: testConfig.maxBodyBytes },
  );
  const json = (await response.json()) as Record<string, unknown> & { error?: { code: string } };
  return { status: response.status, json, setCookie: response.headers.getSetCookie() };
}

async function signUp(email: string): Promise<{ cookie: string; token: string }> {
  const response = await auth.handler(
    new Request(`${ORIGIN}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ name: email.split("@")[0], email, password: "correct-horse-battery" }),
    }),
  );
  expect(response.status).toBe(200);
  const cookie = response.headers
    .getSetCookie()
    .find((line) => line.startsWith("better-auth.session_token="))!
    .split(";")[0]!;
  const token = decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1)).split(".")[0]!;
  return { cookie, token };
}

const signed = (token: string, secret: string) =>
  `better-auth.session_token=${encodeURIComponent(`${token}.${createHmac("sha256", secret).update(token).digest("base64")}`)}`;

async function organizationOf(cookie: string) {
  const created = await v1("create", { name: "Lookup Co" }, { cookie });
  expect(created.status).toBe(200);
  return created.json.organization as { id: string };
}

describe("the session cookie, read on every request", () => {
  it("a signed-out session is refused on its next request", async () => {
    const { cookie } = await signUp("ada@example.com");
    const org = await organizationOf(cookie);
    expect((await v1("get", { organizationId: org.id }, { cookie })).status).toBe(200);
    const signOut = await auth.handler(
      new Request(`${ORIGIN}/api/auth/sign-out`, {
        method: "POST",
        headers: { cookie, origin: ORIGIN, "content-type": "application/json" },
        body: "{}",
      }),
    );
    expect(signOut.status).toBe(200);
    const after = await v1("get", { organizationId: org.id }, { cookie });
    expect(after.status).toBe(401);
    expect(after.json.error?.code).toBe("unauthenticated");
  });

  it("a removed member gets NOT_FOUND and a demoted one FORBIDDEN on their next request", async () => {
    const owner = await signUp("owner@example.com");
    const member = await signUp("bea@example.com");
    const org = await organizationOf(owner.cookie);
    const userId = (await db.prisma.user.findUniqueOrThrow({ where: { email: "bea@example.com" } })).id;
    await db.prisma.user.update({ where: { id: userId }, data: { emailVerified: true } });
    expect(
      (await v1("members/add", { organizationId: org.id, email: "bea@example.com", role: "admin" }, owner)).status,
    ).toBe(200);
    expect((await v1("audit/list", { organizationId: org.id }, member)).status).toBe(200);

    await v1("members/set-role", { organizationId: org.id, userId, role: "viewer" }, owner);
    const demoted = await v1("audit/list", { organizationId: org.id }, member);
    expect([demoted.status, demoted.json.error?.code]).toEqual([403, "permission_denied"]);

    await v1("members/remove", { organizationId: org.id, userId }, owner);
    const removed = await v1("get", { organizationId: org.id }, member);
    expect([removed.status, removed.json.error?.code]).toEqual([404, "organization_not_found"]);
  });

  it("a deleted user's session and a revoked API token are refused on their next request", async () => {
    const owner = await signUp("owner@example.com");
    const org = await organizationOf(owner.cookie);
    const minted = await v1("tokens/create", { organizationId: org.id, name: "ci" }, owner);
    const { id: tokenId, bearer } = minted.json.apiToken as { id: string; bearer: string };
    const asToken = { authorization: `Bearer ${bearer}` };
    expect((await v1("get", { organizationId: org.id }, asToken)).status).toBe(200);
    expect((await v1("tokens/revoke", { organizationId: org.id, id: tokenId }, owner)).status).toBe(200);
    const revoked = await v1("get", { organizationId: org.id }, asToken);
    expect([revoked.status, revoked.json.error?.code]).toEqual([401, "invalid_api_token"]);

    const other = await signUp("cy@example.com");
    expect((await v1("list", {}, other)).status).toBe(200);
    await db.prisma.user.delete({ where: { email: "cy@example.com" } });
    expect((await v1("list", {}, other)).status).toBe(401);
  });

  it("refuses a tampered or foreign signature and an unknown token, like Better Auth", async () => {
    const { cookie, token } = await signUp("dee@example.com");
    expect((await v1("list", {}, { cookie })).status).toBe(200);
    for (const bad of [
      signed(token, UNKNOWN_SECRET),
      signed(`${token}x`, testConfig.secrets.current),
      // The signature's last character changed in a bit that counts: before the "=", base64's last
      // character carries two padding bits (A and B decode alike, in atob as in Buffer), so A becomes E.
      cookie.replace(/(.)(%3D|=)$/, (_m, last: string, eq: string) => `${last === "A" ? "E" : "A"}${eq}`),
      `better-auth.session_token=${token}`,
    ]) {
      expect((await v1("list", {}, { cookie: bad })).status, bad).toBe(401);
      expect((await auth.api.getSession({ headers: new Headers({ cookie: bad }) })) ?? null, bad).toBeNull();
    }
    // The first cookie of a name counts, as in Better Auth.
    expect((await v1("list", {}, { cookie: `${cookie}; ${signed(token, UNKNOWN_SECRET).split(";")[0]}` })).status).toBe(
      200,
    );
    expect((await v1("list", {}, { cookie: `${signed(token, UNKNOWN_SECRET)}; ${cookie}` })).status).toBe(401);
  });

  it("accepts a cookie signed under a previous secret during a rotation, and no other", async () => {
    await setUp({ current: OLD_SECRET, previous: [] });
    const { token } = await signUp("eve@example.com");
    await setUp({ current: testConfig.secrets.current, previous: [OLD_SECRET] });
    expect((await v1("list", {}, { cookie: signed(token, OLD_SECRET) })).status).toBe(200);
    await setUp(testConfig.secrets);
    expect((await v1("list", {}, { cookie: signed(token, OLD_SECRET) })).status).toBe(401);
  });

  it("an expired session is left to Better Auth: refused, deleted, and its cookie cleared", async () => {
    const { cookie, token } = await signUp("fay@example.com");
    await db.prisma.session.update({ where: { token }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const answer = await v1("list", {}, { cookie });
    expect(answer.status).toBe(401);
    expect(answer.setCookie.some((line) => /^better-auth\.session_token=;/.test(line) && /Max-Age=0/i.test(line))).toBe(
      true,
    );
    expect(await db.prisma.session.findUnique({ where: { token } })).toBeNull();
  });

  it("a session due for Better Auth's daily refresh is extended by Better Auth, and the new cookie sent", async () => {
    const { cookie, token } = await signUp("gus@example.com");
    // Last extended more than a day ago (updateAge), expiring in less than six days.
    const stale = new Date(Date.now() + 7 * DAY_MS - DAY_MS - 60_000);
    await db.prisma.session.update({ where: { token }, data: { expiresAt: stale } });
    const answer = await v1("list", {}, { cookie });
    expect(answer.status).toBe(200);
    const extended = await db.prisma.session.findUniqueOrThrow({ where: { token } });
    expect(extended.expiresAt.getTime()).toBeGreaterThan(Date.now() + 7 * DAY_MS - 60_000);
    const refreshed = answer.setCookie.find((line) => line.startsWith("better-auth.session_token="));
    expect(refreshed).toMatch(
      new RegExp(`^better-auth\\.session_token=${encodeURIComponent(token).replace(/\./g, "\\.")}`),
    );
    expect(refreshed).toMatch(/Max-Age=604800/);

    // Fresh again: the next request uses the session as stored and answers without a cookie.
    const next = await v1("list", {}, { cookie });
    expect(next.status).toBe(200);
    expect(next.setCookie).toEqual([]);
  });

  it("a stray cookie-cache cookie is left to Better Auth, which clears it", async () => {
    const { cookie } = await signUp("hal@example.com");
    const answer = await v1("list", {}, { cookie: `${cookie}; better-auth.session_data=stale` });
    expect(answer.status).toBe(200);
    expect(answer.setCookie.some((line) => line.startsWith("better-auth.session_data=;"))).toBe(true);
  });

  it("an email verified meanwhile counts on the next request", async () => {
    const { cookie } = await signUp("ida@example.com");
    const before = await v1("invitations/mine", {}, { cookie });
    expect([before.status, before.json.error?.code]).toEqual([403, "email_unverified"]);
    await db.prisma.user.update({ where: { email: "ida@example.com" }, data: { emailVerified: true } });
    expect((await v1("invitations/mine", {}, { cookie })).status).toBe(200);
  });
});
