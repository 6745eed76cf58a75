import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

import { describe, expect, inject, it } from "vitest";

// Drives the real, built console over HTTP (see global-setup.ts): Better Auth sessions,
// POST /v1/organizations/*, tRPC at /api/trpc, protected pages, the dev mailbox.
const baseUrl = inject("baseUrl");

interface Session {
  cookie: string;
  user: { id: string; email: string; name: string };
}

const uniqueEmail = (label = "user") => `${label}-${randomUUID().slice(0, 8)}@example.com`;

function sessionCookie(response: Response): string {
  const cookies = response.headers.getSetCookie();
  const session = cookies.find((c) => c.startsWith("better-auth.session_token="));
  if (!session) throw new Error(`No session cookie in ${JSON.stringify(cookies)}`);
  return session.split(";")[0]!;
}

async function authPost(path: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}/api/auth/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify(body),
  });
}

async function signUp(options: { name?: string; email?: string; password?: string } = {}): Promise<Session> {
  const email = options.email ?? uniqueEmail();
  const response = await authPost("sign-up/email", {
    name: options.name ?? "Test User",
    email,
    password: options.password ?? "correct-horse-battery",
  });
  expect(response.status, await response.clone().text()).toBe(200);
  const body = (await response.json()) as { user: Session["user"] };
  return { cookie: sessionCookie(response), user: body.user };
}

/** The verification link Better Auth emailed at sign-up, read from the dev mailbox (as its owner would). */
async function verificationLink(email: string): Promise<string> {
  const html = await (await fetch(`${baseUrl}/dev/mailbox?to=${encodeURIComponent(email)}`)).text();
  const href = /href="([^"]*\/api\/auth\/verify-email\?[^"]*)"/.exec(html)?.[1];
  if (!href) throw new Error(`No verification email for ${email} in the dev mailbox`);
  return href.replace(/&amp;/g, "&");
}

/** Opens the emailed verification link, so the account's address counts as verified. */
async function verify(session: Session): Promise<Session> {
  const response = await fetch(await verificationLink(session.user.email), { redirect: "manual" });
  expect([302, 303, 307]).toContain(response.status);
  return session;
}

interface V1Result {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field below
  body: any;
}

async function v1(
  path: string,
  body: unknown,
  auth: { cookie?: string; bearer?: string } = {},
  init: RequestInit = {},
): Promise<V1Result> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  const response = await fetch(`${baseUrl}/v1/organizations/${path}`, {
    method: "POST",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    ...init,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

async function createOrg(owner: Session, name = `Org ${randomUUID().slice(0, 6)}`) {
  const result = await v1("create", { name }, owner);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body.organization as { id: string; handle: string; name: string };
}

describe("accounts (Better Auth)", () => {
  it("signs up with a session cookie and stores the email in lower case", async () => {
    const email = `Mixed.Case-${randomUUID().slice(0, 6)}@Example.COM`;
    const session = await signUp({ name: "Mixed", email });
    expect(session.user.email).toBe(email.toLowerCase());
    const whoami = await fetch(`${baseUrl}/api/auth/get-session`, { headers: { cookie: session.cookie } });
    expect(((await whoami.json()) as { user: { email: string } }).user.email).toBe(email.toLowerCase());
  });

  it("signs in whatever the case of the email, and refuses a second account for the same address", async () => {
    const email = uniqueEmail("case");
    await signUp({ email, password: "correct-horse-battery" });
    const signIn = await authPost("sign-in/email", { email: email.toUpperCase(), password: "correct-horse-battery" });
    expect(signIn.status).toBe(200);
    expect(sessionCookie(signIn)).toMatch(/^better-auth\.session_token=/);

    const again = await authPost("sign-up/email", {
      name: "Dup",
      email: email.replace("case", "CASE"),
      password: "another-password-1",
    });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
    expect(((await again.json()) as { code: string }).code).toMatch(/USER_ALREADY_EXISTS/);

    const wrong = await authPost("sign-in/email", { email, password: "wrong-password-123" });
    expect(wrong.status).toBe(401);
  });
});

describe("POST /v1/organizations/*", () => {
  it("creates an organization and returns it as plain JSON", async () => {
    const owner = await signUp({ name: "Olive Owner" });
    const result = await v1("create", { name: "Acme Rockets", description: "We make rockets" }, owner);
    expect(result.status).toBe(200);
    expect(result.headers.get("content-type")).toMatch(/^application\/json/);
    expect(result.body.organization).toMatchObject({
      name: "Acme Rockets",
      description: "We make rockets",
      active: true,
    });
    expect(result.body.organization.handle).toMatch(/^acme-rockets/);
    // Dates are plain ISO strings, not a transformer's envelope.
    expect(typeof result.body.organization.createdAt).toBe("string");

    const got = await v1("get", { organizationId: result.body.organization.handle }, owner);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      role: "owner",
      memberCount: 1,
      organization: { id: result.body.organization.id },
    });
  });

  it("maps kebab-case paths to procedures: members/set-role, join-codes/join, invitations/accept", async () => {
    const owner = await signUp({ name: "Owner" });
    const org = await createOrg(owner);

    const bob = await verify(await signUp({ name: "Bob" }));
    expect(
      (await v1("members/add", { organizationId: org.id, email: bob.user.email.toUpperCase() }, owner)).status,
    ).toBe(200);
    const setRole = await v1("members/set-role", { organizationId: org.id, userId: bob.user.id, role: "admin" }, owner);
    expect(setRole.status, JSON.stringify(setRole.body)).toBe(200);
    expect((await v1("get", { organizationId: org.id }, bob)).body.role).toBe("admin");

    const carol = await signUp({ name: "Carol" });
    const code = await v1("join-codes/create", { organizationId: org.id, role: "viewer", maxUses: 1 }, owner);
    expect(code.status).toBe(200);
    const joined = await v1("join-codes/join", { code: code.body.code }, carol);
    expect(joined.status, JSON.stringify(joined.body)).toBe(200);
    expect(joined.body).toMatchObject({ organizationId: org.id, alreadyMember: false });

    const dave = await signUp({ name: "Dave" });
    const invite = await v1(
      "invitations/create",
      { organizationId: org.id, email: dave.user.email, role: "member" },
      owner,
    );
    expect(invite.status).toBe(200);
    expect(invite.body.acceptUrl).toBe(`${baseUrl}/invite/${invite.body.token}`);
    const accepted = await v1("invitations/accept", { token: invite.body.token }, dave);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ organizationId: org.id, role: "member" });

    const members = await v1("members/list", { organizationId: org.id }, owner);
    expect(members.body.members.map((m: { email: string; role: string }) => [m.email, m.role]).sort()).toEqual(
      [
        [owner.user.email, "owner"],
        [bob.user.email, "admin"],
        [carol.user.email, "viewer"],
        [dave.user.email, "member"],
      ].sort(),
    );
  });

  it("answers invalid input with 400 invalid_input and field errors", async () => {
    const owner = await signUp();
    const result = await v1("create", { name: "", handle: "Not A Handle!" }, owner);
    expect(result.status).toBe(400);
    expect(result.body.error).toMatchObject({ code: "invalid_input", message: expect.any(String) });
    expect(Object.keys(result.body.error.fieldErrors).sort()).toEqual(["handle", "name"]);
    expect(result.body.error.fieldErrors.name[0]).toBe("Name is required");
  });

  it("answers 401 without a session or token", async () => {
    const result = await v1("list", {});
    expect(result.status).toBe(401);
    expect(result.body.error.code).toBe("unauthenticated");
    // A bogus session cookie is the same as none.
    expect((await v1("list", {}, { cookie: "better-auth.session_token=forged.value" })).status).toBe(401);
  });

  it("answers 403 to a member without the permission and 404 to a non-member", async () => {
    const owner = await signUp();
    const org = await createOrg(owner);
    const member = await verify(await signUp());
    expect(
      (await v1("members/add", { organizationId: org.id, email: member.user.email, role: "member" }, owner)).status,
    ).toBe(200);

    const forbidden = await v1("invitations/create", { organizationId: org.id, email: uniqueEmail() }, member);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe("permission_denied");

    const outsider = await signUp();
    // Same answer as for an organization that does not exist at all: no existence oracle.
    const missing = await v1("get", { organizationId: "no-such-org-anywhere" }, outsider);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("organization_not_found");
    for (const ref of [org.id, org.handle]) {
      const notFound = await v1("get", { organizationId: ref }, outsider);
      expect(notFound.status).toBe(404);
      expect(notFound.body).toEqual(missing.body);
    }
  });

  it("refuses to leave an organization without an owner: 409 last_owner", async () => {
    const owner = await signUp();
    const org = await createOrg(owner);
    const demote = await v1(
      "members/set-role",
      { organizationId: org.id, userId: owner.user.id, role: "admin" },
      owner,
    );
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe("last_owner");
    const leave = await v1("members/leave", { organizationId: org.id }, owner);
    expect(leave.status).toBe(409);
    expect(leave.body.error.code).toBe("last_owner");
  });

  it("rate-limits join attempts per user: 429 rate_limited with Retry-After", async () => {
    const limit = inject("redeemLimit");
    const guesser = await signUp({ name: "Guesser" });
    const statuses: number[] = [];
    for (let i = 0; i < limit; i++)
      statuses.push((await v1("join-codes/join", { code: `WRONG${i}CODE` }, guesser)).status);
    expect(statuses.every((s) => s === 404)).toBe(true);
    const limited = await v1("join-codes/join", { code: "WRONGCODE9" }, guesser);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Counted per user: someone else is not held back.
    expect((await v1("join-codes/join", { code: "WRONGCODE9" }, await signUp())).status).toBe(404);
  });

  it("lets an org token act on its own organization only, until it is revoked or the org is deleted", async () => {
    const owner = await signUp();
    const org = await createOrg(owner);
    const other = await createOrg(owner);

    const minted = await v1("tokens/create", { organizationId: org.id, name: "backend", env: "live" }, owner);
    expect(minted.status).toBe(200);
    const token = minted.body.apiToken as { id: string; key: string; secret: string; bearer: string };
    const bearer = token.bearer;
    expect(bearer).toBe(`${token.key}:${token.secret}`);

    const own = await v1("get", { organizationId: org.id }, { bearer });
    expect(own.status).toBe(200);
    expect(own.body.organization.id).toBe(org.id);
    expect((await v1("get", { organizationId: org.handle }, { bearer })).status).toBe(200);
    // The owner's other organization is out of the token's reach.
    expect((await v1("get", { organizationId: other.id }, { bearer })).status).toBe(404);
    // A wrong secret for a real key is refused.
    expect((await v1("get", { organizationId: org.id }, { bearer: `${token.key}:not-the-secret` })).status).toBe(401);

    const revoked = await v1("tokens/revoke", { organizationId: org.id, id: token.id }, owner);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    const afterRevoke = await v1("get", { organizationId: org.id }, { bearer });
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body.error.code).toBe("invalid_api_token");

    const second = await v1("tokens/create", { organizationId: other.id, name: "second" }, owner);
    expect((await v1("get", { organizationId: other.id }, { bearer: second.body.apiToken.bearer })).status).toBe(200);
    expect((await v1("delete", { organizationId: other.id }, owner)).status).toBe(200);
    expect((await v1("get", { organizationId: other.id }, { bearer: second.body.apiToken.bearer })).status).toBe(401);
  });

  it("answers unknown paths with 404, other methods with 405 and bad JSON with 400", async () => {
    const owner = await signUp();
    // No procedure there, but /v1/organizations/{org_id} is a REST path: POST is not one of its methods.
    const unknown = await v1("no-such-procedure", {}, owner);
    expect(unknown.status).toBe(405);
    expect(unknown.headers.get("allow")).toBe("DELETE, GET, PUT");
    expect(unknown.body.error.code).toBe("method_not_allowed");
    const nowhere = await v1("members/nope", {}, owner);
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.error.code).toBe("not_found");
    const camel = await v1("members/setRole", {}, owner);
    expect(camel.status).toBe(404);

    const get = await fetch(`${baseUrl}/v1/organizations/list`, { headers: { cookie: owner.cookie } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(((await get.json()) as { error: { code: string } }).error.code).toBe("method_not_allowed");

    const badJson = await v1("create", undefined, owner, { body: "{not json" });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe("invalid_json");
  });
});

describe("tRPC at /api/trpc", () => {
  it("answers queries and mutations for the console (superjson)", async () => {
    const owner = await signUp();
    const created = await fetch(`${baseUrl}/api/trpc/organizations.create`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: owner.cookie },
      body: JSON.stringify({ json: { name: "Via tRPC" } }),
    });
    expect(created.status).toBe(200);
    const createdBody = (await created.json()) as { result: { data: { json: { organization: { handle: string } } } } };
    const handle = createdBody.result.data.json.organization.handle;

    const input = encodeURIComponent(JSON.stringify({ json: { organizationId: handle } }));
    const got = await fetch(`${baseUrl}/api/trpc/organizations.get?input=${input}`, {
      headers: { cookie: owner.cookie },
    });
    expect(got.status).toBe(200);
    const body = (await got.json()) as { result: { data: { json: { role: string }; meta: unknown } } };
    expect(body.result.data.json.role).toBe("owner");
    // superjson marks the dates for the client.
    expect(JSON.stringify(body.result.data.meta)).toContain("Date");

    const anonymous = await fetch(`${baseUrl}/api/trpc/organizations.list`);
    expect(anonymous.status).toBe(401);
    const error = (await anonymous.json()) as { error: { json: { data: { reason: string } } } };
    expect(error.error.json.data.reason).toBe("unauthenticated");
  });
});

describe("console pages and email", () => {
  it("sends signed-out visitors of protected pages to sign-in, with the way back", async () => {
    const response = await fetch(`${baseUrl}/orgs/some-org/members?tab=1`, { redirect: "manual" });
    expect([302, 303, 307]).toContain(response.status);
    const location = new URL(response.headers.get("location")!, baseUrl);
    expect(location.pathname).toBe("/sign-in");
    expect(location.searchParams.get("redirect")).toBe("/orgs/some-org/members?tab=1");
  });

  it("sends signed-in visitors of /sign-in back to where they came from, on this site only", async () => {
    const user = await signUp();
    const location = async (redirect: string) => {
      const response = await fetch(`${baseUrl}/sign-in?redirect=${encodeURIComponent(redirect)}`, {
        headers: { cookie: user.cookie },
        redirect: "manual",
      });
      expect([302, 303, 307]).toContain(response.status);
      return new URL(response.headers.get("location")!, baseUrl);
    };
    expect((await location("/invite/abc?x=1")).href).toBe(`${baseUrl}/invite/abc?x=1`);
    for (const evil of ["https://evil.example/phish", "//evil.example/phish", "/\\evil.example"]) {
      const target = await location(evil);
      expect(target.origin).toBe(baseUrl);
      expect(target.pathname).toBe("/");
    }
  });

  it("shows an organization page to members and a 404 to everyone else", async () => {
    const owner = await signUp({ name: "Page Owner" });
    const org = await createOrg(owner, "Page Org");
    const page = await fetch(`${baseUrl}/orgs/${org.handle}`, { headers: { cookie: owner.cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Page Org");

    const outsider = await signUp();
    const hidden = await fetch(`${baseUrl}/orgs/${org.handle}`, { headers: { cookie: outsider.cookie } });
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).not.toContain("Page Org");
  });

  it("keeps invitation emails in the dev mailbox, and logs that one waits there without its link", async () => {
    const owner = await signUp({ name: "Inviter" });
    const org = await createOrg(owner, "Mailbox Org");
    const invitee = uniqueEmail("invitee");
    const invite = await v1("invitations/create", { organizationId: org.id, email: invitee }, owner);
    expect(invite.status).toBe(200);

    const mailbox = await fetch(`${baseUrl}/dev/mailbox?to=${encodeURIComponent(invitee)}`);
    expect(mailbox.status).toBe(200);
    const html = await mailbox.text();
    expect(html).toContain(`href="${invite.body.acceptUrl}"`);
    expect(html).toContain("Inviter invited you to Mailbox Org");

    // The outbox worker delivers it to the dev mailbox within a few polls, and says so in the log.
    const log = inject("serverLog");
    const deadline = Date.now() + 30_000;
    const delivered = () => readFileSync(log, "utf8").includes(`for ${invitee} is waiting in the dev mailbox`);
    while (!delivered() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(delivered()).toBe(true);
    // The link is a credential: in production (as `npm start` runs) it is never printed.
    expect(readFileSync(log, "utf8")).not.toContain(invite.body.token);
  });

  it("shows the dev mailbox only to a visitor on this machine, whatever headers a visitor sends", async () => {
    expect((await fetch(`${baseUrl}/dev/mailbox`)).status).toBe(200);
    // Through a proxy (forwarding headers): not a local visitor, even if the proxy runs on this machine.
    const forwarded: Record<string, string>[] = [
      { "x-forwarded-for": "203.0.113.9" },
      { "x-forwarded-for": "127.0.0.1" },
      { forwarded: "for=127.0.0.1" },
      { "x-real-ip": "127.0.0.1" },
    ];
    for (const headers of forwarded) {
      expect((await fetch(`${baseUrl}/dev/mailbox`, { headers })).status, JSON.stringify(headers)).toBe(404);
    }
    // The front's internal headers cannot be sent in from outside (a copy from the client is dropped).
    const spoofed = await fetch(`${baseUrl}/dev/mailbox`, {
      headers: { "x-forwarded-for": "203.0.113.9", "x-tenancy-local-client": "1" },
    });
    expect(spoofed.status).toBe(404);
  });
});

describe("email verification", () => {
  it("sign-up emails a link through the dev mailbox; opening it verifies the address", async () => {
    const session = await signUp({ name: "Vera" });
    const mine = () =>
      fetch(`${baseUrl}/api/trpc/organizations.invitations.mine`, { headers: { cookie: session.cookie } });
    const before = await mine();
    expect(before.status).toBe(403);
    expect(((await before.json()) as { error: { json: { data: { reason: string } } } }).error.json.data.reason).toBe(
      "email_unverified",
    );
    const link = await verificationLink(session.user.email);
    expect(new URL(link).pathname).toBe("/api/auth/verify-email");
    const opened = await fetch(link, { redirect: "manual" });
    expect([302, 303, 307]).toContain(opened.status);
    const landing = new URL(opened.headers.get("location")!, baseUrl);
    expect(landing.pathname).toBe("/");
    expect((await mine()).status).toBe(200);
    const whoami = await fetch(`${baseUrl}/api/auth/get-session`, { headers: { cookie: session.cookie } });
    expect(((await whoami.json()) as { user: { emailVerified: boolean } }).user.emailVerified).toBe(true);
  });

  it("shows unverified users a banner on the app pages, and the result page after the link", async () => {
    const session = await signUp({ name: "Banner" });
    const page = await (await fetch(`${baseUrl}/welcome`, { headers: { cookie: session.cookie } })).text();
    expect(page).toContain("Verify your email address");
    expect(page).toContain('data-testid="verify-email-banner"');
    await verify(session);
    const after = await (await fetch(`${baseUrl}/welcome`, { headers: { cookie: session.cookie } })).text();
    expect(after).not.toContain('data-testid="verify-email-banner"');
    const failed = await fetch(`${baseUrl}/email-verified?error=TOKEN_EXPIRED`);
    expect(await failed.text()).toContain("This verification link has expired.");
  });
});

describe("what the API endpoints accept", () => {
  it("refuses a cookie request from another site with 403 on /v1 and /api/trpc, and lets bearer requests through", async () => {
    const owner = await signUp();
    const evil = { origin: "https://evil.example" };
    const v1Evil = await v1("create", { name: "Evil" }, owner, {
      headers: { "content-type": "application/json", cookie: owner.cookie, ...evil },
    });
    expect(v1Evil.status).toBe(403);
    expect(v1Evil.body.error.code).toBe("cross_site_request");
    // Another localhost port is another origin too (SameSite=Lax would have let the cookie through).
    const otherPort = await fetch(`${baseUrl}/api/trpc/organizations.create`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: owner.cookie,
        origin: `http://localhost:${Number(new URL(baseUrl).port) + 1}`,
      },
      body: JSON.stringify({ json: { name: "Evil" } }),
    });
    expect(otherPort.status).toBe(403);
    expect((await v1("list", {}, owner)).body.organizations).toEqual([]);

    const org = await createOrg(owner);
    const token = await v1("tokens/create", { organizationId: org.id }, owner);
    const viaToken = await v1(
      "get",
      { organizationId: org.id },
      {},
      {
        headers: { "content-type": "application/json", authorization: `Bearer ${token.body.apiToken.bearer}`, ...evil },
      },
    );
    expect(viaToken.status).toBe(200);
  });

  it("answers non-JSON bodies with 415 and oversized ones with 413, before authentication", async () => {
    const owner = await signUp();
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      const response = await fetch(`${baseUrl}/v1/organizations/create`, {
        method: "POST",
        headers: { "content-type": type, cookie: owner.cookie },
        body: "name=Acme",
      });
      expect(response.status, type).toBe(415);
    }
    const big = JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) });
    for (const path of ["/v1/organizations/create", "/api/trpc/organizations.create", "/api/auth/sign-up/email"]) {
      const response = await fetch(`${baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: baseUrl },
        body: big,
      });
      expect(response.status, path).toBe(413);
    }
  });

  it("refuses a NUL character in a tRPC GET input with 400, not a database error", async () => {
    const owner = await signUp();
    const input = encodeURIComponent(JSON.stringify({ json: { handle: "ac\u0000me" } }));
    const response = await fetch(`${baseUrl}/api/trpc/organizations.handleAvailability?input=${input}`, {
      headers: { cookie: owner.cookie },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { json: { data: { reason: string } } } };
    expect(body.error.json.data.reason).toBe("invalid_input");
  });
});
