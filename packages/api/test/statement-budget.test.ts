import { beforeEach, describe, expect, it } from "vitest";

import { createStatementRecorder, type StatementCount } from "@tenancy/db/statements";

import { createAuth, type Auth } from "../src/auth/auth";
import { sessionLookupOf } from "../src/auth/sessionLookup";
import { createRequestContext, type SessionLookup } from "../src/context";
import { handleTrpcRequest } from "../src/http/trpc-handler";
import { handleV1Request } from "../src/http/v1-handler";
import { testConfig, useTestDatabase } from "./harness";

// Issue 12's statement budget, counted at the Prisma driver adapter (@tenancy/db/statements) while
// requests go through the real request path: Better Auth sessions from its own sign-up, the context
// the console builds (sessionLookupOf + createRequestContext, with a client address so the per-IP
// limits run), and the /v1 and tRPC handlers with the router behind them.
//
//   authorised read (cookie or API token), session or token lookup included   ≤ 2 statements
//   invitation accept, join with a code                                         ≤ 6, one commit

const recorder = createStatementRecorder();
const db = useTestDatabase({ onStatement: recorder.listener });

const ORIGIN = testConfig.publicUrl;
const CLIENT_IP = "203.0.113.7";
const READ_BUDGET = 2;
const REDEEM_BUDGET = 6;

let auth: Auth;
let sessions: SessionLookup;
beforeEach(async () => {
  auth = createAuth({
    db: db.prisma,
    secrets: testConfig.secrets,
    baseURL: ORIGIN,
    trustedOrigins: testConfig.trustedOrigins,
    rateLimit: false,
  });
  sessions = await sessionLookupOf(auth, testConfig.secrets);
});

const createContext = (request: Request) =>
  createRequestContext({
    db: db.prisma,
    headers: request.headers,
    config: testConfig,
    sessions,
    collectSetCookies: true,
    clientIp: CLIENT_IP,
    refuseCrossSite: true,
  });

type As = { cookie: string } | { bearer: string };

function headersOf(as: As): Record<string, string> {
  return "cookie" in as
    ? { cookie: as.cookie, origin: ORIGIN, "content-type": "application/json" }
    : { authorization: `Bearer ${as.bearer}`, "content-type": "application/json" };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  count: StatementCount;
}

/** POST /v1/organizations/<path>, counting what it costs. */
async function v1(path: string, body: unknown, as: As): Promise<Answer> {
  const request = new Request(`${ORIGIN}/v1/organizations/${path}`, {
    method: "POST",
    headers: headersOf(as),
    body: JSON.stringify(body),
  });
  const { result, count } = await recorder.count(() =>
    handleV1Request(request, createContext, { maxBodyBytes: testConfig.maxBodyBytes }),
  );
  return { status: result.status, body: (await result.json()) as Record<string, unknown>, count };
}

/** A tRPC GET (a query, or a batch of them), counting what it costs. */
async function trpcQuery(paths: string[], inputs: unknown[], as: As) {
  const input = Object.fromEntries(inputs.map((value, index) => [index, { json: value }]));
  const url = `${ORIGIN}/api/trpc/${paths.join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
  const request = new Request(url, { headers: headersOf(as) });
  const { result, count } = await recorder.count(() =>
    handleTrpcRequest(request, { endpoint: "/api/trpc", maxBodyBytes: testConfig.maxBodyBytes, createContext }),
  );
  return { status: result.status, body: (await result.json()) as unknown[], count };
}

async function signUp(email: string): Promise<string> {
  const response = await auth.handler(
    new Request(`${ORIGIN}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ name: email.split("@")[0], email, password: "correct-horse-battery" }),
    }),
  );
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie().find((line) => line.includes("session_token="));
  return cookie!.split(";")[0]!;
}

const describeCount = (count: StatementCount) =>
  `${count.statements} statements, ${count.transactions} transaction(s), ${count.commits} commit(s), ` +
  `${count.autocommitWrites} write(s) outside a transaction:\n${count.statementList.map((s) => `  ${s.inTransaction ? "[tx] " : ""}${s.sql.slice(0, 160)}`).join("\n")}`;

function expectRead(answer: Answer | Awaited<ReturnType<typeof trpcQuery>>, budget = READ_BUDGET) {
  expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
  expect(answer.count.statements, describeCount(answer.count)).toBeLessThanOrEqual(budget);
  expect(answer.count.transactions).toBe(0);
  expect(answer.count.autocommitWrites).toBe(0);
}

/** At most 6 statements and exactly one commit: a transaction's, or one statement's own (autocommit). */
function expectRedeem(answer: Answer) {
  const { count } = answer;
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(count.statements, describeCount(count)).toBeLessThanOrEqual(REDEEM_BUDGET);
  expect(count.commits + count.autocommitWrites, describeCount(count)).toBe(1);
  expect(count.transactions, describeCount(count)).toBeLessThanOrEqual(1);
  expect(count.rollbacks, describeCount(count)).toBe(0);
}

/** An organization with `members` members besides its owner (inserted directly, as a big org would be). */
async function organizationWithMembers(owner: { cookie: string }, members: number) {
  const created = await v1("create", { name: "Budget Co" }, owner);
  expect(created.status).toBe(200);
  const organization = created.body.organization as { id: string; handle: string };
  await db.sql.exec(`
    INSERT INTO "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt")
      SELECT 'bulk-' || i, 'Bulk ' || i, 'bulk' || i || '@example.com', true, now(), now() FROM generate_series(1, ${members}) i;
    INSERT INTO "membership" ("id", "organizationId", "userId", "role", "createdAt", "updatedAt")
      SELECT '00000000-0000-7000-8000-' || lpad(i::text, 12, '0'), '${organization.id}', 'bulk-' || i, 'member', now(), now()
      FROM generate_series(1, ${members}) i;`);
  return organization;
}

describe("statement budget: authorised reads", () => {
  it("with a session cookie, every org read costs at most 2 statements, the session lookup included", async () => {
    const owner = { cookie: await signUp("owner@example.com") };
    const org = await organizationWithMembers(owner, 120);
    await v1("invitations/create", { organizationId: org.id, email: "someone@example.com" }, owner);
    await v1("join-codes/create", { organizationId: org.id }, owner);
    await v1("tokens/create", { organizationId: org.id, name: "ci" }, owner);

    const get = await v1("get", { organizationId: org.id }, owner);
    expectRead(get);
    expect(get.body).toMatchObject({ memberCount: 121, ownerCount: 1, role: "owner" });
    // Within the budget is not enough for the hottest read: it is the credential lookup alone (the
    // organization with its member and owner counts comes in that statement). A second one crept in once.
    expect(get.count.statements, describeCount(get.count)).toBe(1);
    expectRead(await v1("get", { organizationId: org.handle }, owner));

    const first = await v1("members/list", { organizationId: org.id, limit: 50 }, owner);
    expectRead(first);
    expect(first.body).toMatchObject({ totalCount: 121 });
    expect(first.body.members).toHaveLength(50);
    const next = await v1(
      "members/list",
      { organizationId: org.id, limit: 50, cursor: first.body.nextCursor as string },
      owner,
    );
    expectRead(next);
    expect(next.body.members).toHaveLength(50);
    const searched = await v1("members/list", { organizationId: org.id, limit: 5, search: "bulk1" }, owner);
    expectRead(searched);
    // bulk1, bulk10-19, bulk100-120
    expect(searched.body).toMatchObject({ totalCount: 32 });

    for (const path of ["audit/list", "invitations/list", "join-codes/list", "tokens/list"]) {
      expectRead(await v1(path, { organizationId: org.id }, owner));
    }
    expectRead(await v1("list", {}, owner));
    // Listing one's invitations needs a verified address (the verification link is tested elsewhere).
    await db.sql.exec(`UPDATE "user" SET "emailVerified" = true WHERE "email" = 'owner@example.com'`);
    expectRead(await v1("invitations/mine", {}, owner));
    // REST routes run the same procedures.
    const rest = await recorder.count(() =>
      handleV1Request(
        new Request(`${ORIGIN}/v1/organizations/${org.id}/members?limit=10`, { headers: headersOf(owner) }),
        createContext,
        { maxBodyBytes: testConfig.maxBodyBytes },
      ),
    );
    expect(rest.result.status).toBe(200);
    expect(rest.count.statements).toBeLessThanOrEqual(READ_BUDGET);
  });

  it("a member holding a custom role reads within the same budget: its permissions come with the membership", async () => {
    const owner = { cookie: await signUp("owner@example.com") };
    const org = await organizationWithMembers(owner, 10);
    const created = await v1(
      "custom-roles/create",
      { organizationId: org.id, key: "support", name: "Support", permissions: ["members:view", "audit:view"] },
      owner,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const member = { cookie: await signUp("support@example.com") };
    await db.sql.exec(`
      INSERT INTO "membership" ("id", "organizationId", "userId", "role", "createdAt", "updatedAt")
        SELECT '00000000-0000-7000-8000-999999999999', '${org.id}', u."id", 'support', now(), now()
        FROM "user" u WHERE u."email" = 'support@example.com';`);

    const get = await v1("get", { organizationId: org.id }, member);
    expectRead(get);
    expect(get.body).toMatchObject({ role: "support" });
    expect([...(get.body.permissions as string[])].sort()).toEqual(["audit:view", "members:view", "org:view"]);
    // No round trip of its own: a custom role costs what a built-in one does.
    expect(get.count.statements, describeCount(get.count)).toBe(
      (await v1("get", { organizationId: org.id }, owner)).count.statements,
    );
    expectRead(await v1("members/list", { organizationId: org.id, limit: 5 }, member));
    expectRead(await v1("audit/list", { organizationId: org.id }, member));
    // Outside the organization's pages the role shows by its name, which comes in the same statement.
    const listed = await v1("list", {}, member);
    expectRead(listed);
    expect(listed.body.organizations).toEqual([expect.objectContaining({ role: "support", roleName: "Support" })]);
    const memberships = await v1("memberships/list-by-user", {}, member);
    expectRead(memberships);
    expect(memberships.body.memberships).toEqual([expect.objectContaining({ role: "support", roleName: "Support" })]);
    // Refused where the role does not reach, at the same cost.
    const refused = await v1("invitations/list", { organizationId: org.id }, member);
    expect(refused.status).toBe(403);
    expect(refused.count.statements, describeCount(refused.count)).toBeLessThanOrEqual(READ_BUDGET);
  });

  it("with an org API token, the same reads cost at most 2 statements, the token lookup included", async () => {
    const owner = { cookie: await signUp("owner@example.com") };
    const org = await organizationWithMembers(owner, 60);
    const minted = await v1("tokens/create", { organizationId: org.id, name: "ci" }, owner);
    const token = { bearer: (minted.body.apiToken as { bearer: string }).bearer };
    // The first use records lastUsedAt (at most once a minute): not part of the steady state.
    expect((await v1("get", { organizationId: org.id }, token)).status).toBe(200);

    const get = await v1("get", { organizationId: org.id }, token);
    expectRead(get);
    expect(get.body).toMatchObject({ memberCount: 61, ownerCount: 1, role: null });
    expect(get.count.statements, describeCount(get.count)).toBe(1);
    expectRead(await v1("get", { organizationId: org.handle }, token));
    expectRead(await v1("members/list", { organizationId: org.id, limit: 50 }, token));
    expectRead(await v1("audit/list", { organizationId: org.id }, token));
    expectRead(await v1("list", {}, token));
  });

  it("over tRPC, a query costs at most 2 statements and a batch at most 2 per call", async () => {
    const owner = { cookie: await signUp("owner@example.com") };
    const org = await organizationWithMembers(owner, 60);
    const get = await trpcQuery(["organizations.get"], [{ organizationId: org.id }], owner);
    expectRead(get);
    const batch = await trpcQuery(
      ["organizations.get", "organizations.members.list", "organizations.list"],
      [{ organizationId: org.id }, { organizationId: org.id, limit: 50 }, {}],
      owner,
    );
    expectRead(batch, 3 * READ_BUDGET);
  });
});

describe("statement budget: redeeming", () => {
  async function invite(owner: { cookie: string }, organizationId: string, email: string) {
    const created = await v1("invitations/create", { organizationId, email }, owner);
    expect(created.status).toBe(200);
    return created.body as { token: string; invitation: { id: string } };
  }

  it("accepting an invitation costs at most 6 statements and one commit, rate limits included", async () => {
    const owner = { cookie: await signUp("owner@example.com") };
    const org = await organizationWithMembers(owner, 10);

    // By the emailed token (which also verifies the address: a fresh sign-up has not yet).
    const invitee = { cookie: await signUp("invitee@example.com") };
    const { token } = await invite(owner, org.id, "invitee@example.com");
    const accepted = await v1("invitations/accept", { token }, invitee);
    expectRedeem(accepted);
    expect(accepted.body).toMatchObject({ organizationId: org.id, alreadyMember: false });

    // By id, for an addressee whose address is verified (the previous acceptance verified it).
    const other = await organizationWithMembers(owner, 0);
    const { invitation } = await invite(owner, other.id, "invitee@example.com");
    expectRedeem(await v1("invitations/accept", { invitationId: invitation.id }, invitee));

    const after = await v1("get", { organizationId: org.id }, owner);
    expect(after.body).toMatchObject({ memberCount: 12 });
  });

  it("declining costs at most 6 statements and one commit", async () => {
    const owner = { cookie: await signUp("owner@example.com") };
    const org = await organizationWithMembers(owner, 0);
    const invitee = { cookie: await signUp("invitee@example.com") };
    const { token } = await invite(owner, org.id, "invitee@example.com");
    expectRedeem(await v1("invitations/decline", { token }, invitee));
  });

  it("joining with a code costs at most 6 statements and one commit, rate limits included", async () => {
    const owner = { cookie: await signUp("owner@example.com") };
    const org = await organizationWithMembers(owner, 10);
    const created = await v1("join-codes/create", { organizationId: org.id, maxUses: 5 }, owner);
    const code = created.body.code as string;

    const joiner = { cookie: await signUp("joiner@example.com") };
    const joined = await v1("join-codes/join", { code }, joiner);
    expectRedeem(joined);
    expect(joined.body).toMatchObject({ organizationId: org.id, alreadyMember: false });
    // Joining again: already a member, still one attempt counted in one commit.
    const again = await v1("join-codes/join", { code }, joiner);
    expectRedeem(again);
    expect(again.body).toMatchObject({ alreadyMember: true });

    const after = await v1("get", { organizationId: org.id }, owner);
    expect(after.body).toMatchObject({ memberCount: 12 });
  });
});
