import { describe, expect, it } from "vitest";

import { createAuth } from "../src/auth/auth";
import { sessionLookupOf } from "../src/auth/sessionLookup";
import { createRequestContext, resolveCaller } from "../src/context";
import { createCaller } from "../src/root";
import { openBody } from "../src/services/outbox";
import {
  callerFor,
  countRows,
  createOrganizationWithRoles,
  createUser,
  failureOf,
  testConfig,
  useTestDatabase,
} from "./harness";

const db = useTestDatabase();

const isVerified = async (userId: string) =>
  (await db.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { emailVerified: true } })).emailVerified;

describe("an invitation can only be taken by someone who received it", () => {
  it("the reported takeover: signing up with the invitee's address is not enough to list or accept by id", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const invite = await callerFor(db, owner).organizations.invitations.create({
      organizationId: organization.id,
      email: "newhire@example.com",
      role: "admin",
    });
    // Someone who read the address somewhere signs up with it, without access to that mailbox.
    const impostor = await createUser(db, { email: "newhire@example.com", emailVerified: false });
    const asImpostor = callerFor(db, impostor).organizations.invitations;

    expect(await failureOf(asImpostor.mine())).toMatchObject({ code: "FORBIDDEN", reason: "email_unverified" });
    for (const answer of [asImpostor.accept, asImpostor.decline]) {
      expect(await failureOf(answer({ invitationId: invite.invitation.id }))).toMatchObject({
        code: "FORBIDDEN",
        reason: "email_unverified",
      });
    }
    // Before the fix: accepted, role admin.
    expect(await countRows(db, "membership", `"userId" = $1`, [impostor.userId])).toBe(0);
    expect(
      (await db.prisma.invitation.findUniqueOrThrow({ where: { id: invite.invitation.id }, select: { status: true } }))
        .status,
    ).toBe("pending");
    expect(await isVerified(impostor.userId)).toBe(false);
  });

  it("the owner of the address, once verified, lists and accepts by id", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const invite = await callerFor(db, owner).organizations.invitations.create({
      organizationId: organization.id,
      email: "newhire@example.com",
      role: "admin",
    });
    const newhire = await createUser(db, { email: "newhire@example.com", emailVerified: true });
    const asNewhire = callerFor(db, newhire).organizations.invitations;
    expect((await asNewhire.mine()).invitations.map((i) => i.id)).toEqual([invite.invitation.id]);
    expect(await asNewhire.accept({ invitationId: invite.invitation.id })).toMatchObject({ role: "admin" });
  });

  it("accepting with the emailed token verifies the address, in the same step", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const invite = await callerFor(db, owner).organizations.invitations.create({
      organizationId: organization.id,
      email: "newhire@example.com",
    });
    const newhire = await createUser(db, { email: "newhire@example.com", emailVerified: false });
    expect(await callerFor(db, newhire).organizations.invitations.accept({ token: invite.token })).toMatchObject({
      organizationId: organization.id,
      role: "member",
    });
    expect(await isVerified(newhire.userId)).toBe(true);
  });

  it("a refused token acceptance verifies nothing", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner).organizations;
    const invite = await asOwner.invitations.create({ organizationId: organization.id, email: "newhire@example.com" });
    const someoneElse = await createUser(db, { email: "other@example.com", emailVerified: false });
    // Signed in with another address: email_mismatch, and that address is not verified by the attempt.
    expect(
      await failureOf(callerFor(db, someoneElse).organizations.invitations.accept({ token: invite.token })),
    ).toMatchObject({ reason: "email_mismatch" });
    expect(await isVerified(someoneElse.userId)).toBe(false);
    // The addressee, while the organization is read-only: refused, still unverified.
    const newhire = await createUser(db, { email: "newhire@example.com", emailVerified: false });
    await asOwner.update({ organizationId: organization.id, active: false });
    expect(
      await failureOf(callerFor(db, newhire).organizations.invitations.accept({ token: invite.token })),
    ).toMatchObject({ reason: "organization_inactive" });
    expect(await isVerified(newhire.userId)).toBe(false);
  });
});

describe("members.add", () => {
  it("refuses an address nobody has verified (the pre-registration trick), writing nothing", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    // An attacker registers the address an admin is about to add.
    const preRegistered = await createUser(db, { email: "colleague@example.com", emailVerified: false });
    const before = await countRows(db, "audit_event");
    expect(
      await failureOf(
        callerFor(db, owner).organizations.members.add({
          organizationId: organization.id,
          email: "colleague@example.com",
          role: "admin",
        }),
      ),
    ).toMatchObject({ code: "FORBIDDEN", reason: "email_unverified" });
    expect(await countRows(db, "membership", `"userId" = $1`, [preRegistered.userId])).toBe(0);
    expect(await countRows(db, "audit_event")).toBe(before);
    // Once the real owner of the address has verified it, the add works.
    await db.prisma.user.update({ where: { id: preRegistered.userId }, data: { emailVerified: true } });
    const { member } = await callerFor(db, owner).organizations.members.add({
      organizationId: organization.id,
      email: "colleague@example.com",
      role: "admin",
    });
    expect(member).toMatchObject({ userId: preRegistered.userId, role: "admin" });
  });
});

describe("Better Auth's verification flow, through the outbox", () => {
  const baseURL = "http://tenancy.test";
  const makeAuth = () =>
    createAuth({
      db: db.prisma,
      secrets: testConfig.secrets,
      baseURL,
      trustedOrigins: testConfig.trustedOrigins,
      rateLimit: false,
    });

  async function signUp(auth: ReturnType<typeof makeAuth>, email: string) {
    const response = await auth.handler(
      new Request(`${baseURL}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: baseURL },
        body: JSON.stringify({ name: "Nina New", email, password: "correct-horse-battery" }),
      }),
    );
    expect(response.status, await response.clone().text()).toBe(200);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token="));
    return { cookie: cookie!.split(";")[0]!, userId: ((await response.json()) as { user: { id: string } }).user.id };
  }

  const contextFor = async (auth: ReturnType<typeof makeAuth>, cookie: string) =>
    createRequestContext({
      db: db.prisma,
      headers: new Headers({ cookie }),
      config: testConfig,
      sessions: await sessionLookupOf(auth, testConfig.secrets),
    });
  /** The caller a request with this cookie resolves to (the fast path, or Better Auth for the rest). */
  const actorFor = async (auth: ReturnType<typeof makeAuth>, cookie: string) =>
    (await resolveCaller(await contextFor(auth, cookie))).actor;

  it("sign-up queues a sealed verification email; its link verifies the address, and the actor says so", async () => {
    const auth = makeAuth();
    const { cookie, userId } = await signUp(auth, "Nina@Example.com");
    expect(await actorFor(auth, cookie)).toMatchObject({
      type: "user",
      email: "nina@example.com",
      emailVerified: false,
    });

    const rows = await db.prisma.emailOutbox.findMany({ select: { kind: true, to: true, text: true, html: true } });
    expect(rows.map((r) => [r.kind, r.to])).toEqual([["email_verification", "nina@example.com"]]);
    const row = rows[0]!;
    // Stored sealed, like invitation emails: the link is a credential.
    expect(row.text.startsWith("enc:v1:")).toBe(true);
    const text = openBody(testConfig.secrets.current, row.text);
    const link = /https?:\/\/\S+/.exec(text)?.[0];
    expect(link).toMatch(new RegExp(`^${baseURL}/api/auth/verify-email\\?token=`));
    const token = new URL(link!).searchParams.get("token")!;
    expect(row.text).not.toContain(token);
    expect(openBody(testConfig.secrets.current, row.html!)).toContain("Verify my email address");

    // Invitations for the address stay hidden until the link is opened.
    const asNina = () => contextFor(auth, cookie).then(createCaller);
    expect(await failureOf((await asNina()).organizations.invitations.mine())).toMatchObject({
      reason: "email_unverified",
    });

    const verified = await auth.handler(new Request(link!));
    expect(verified.status).toBeLessThan(400);
    expect(await isVerified(userId)).toBe(true);
    expect(await actorFor(auth, cookie)).toMatchObject({ emailVerified: true });
    expect(await (await asNina()).organizations.invitations.mine()).toEqual({ invitations: [] });
  });

  it("a signed-in user can ask for a new link; a tampered link verifies nothing", async () => {
    const auth = makeAuth();
    const { cookie, userId } = await signUp(auth, "nina@example.com");
    const resent = await auth.handler(
      new Request(`${baseURL}/api/auth/send-verification-email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: baseURL, cookie },
        body: JSON.stringify({ email: "nina@example.com", callbackURL: "/email-verified" }),
      }),
    );
    expect(resent.status, await resent.clone().text()).toBe(200);
    const rows = await db.prisma.emailOutbox.findMany({ orderBy: { createdAt: "asc" }, select: { text: true } });
    expect(rows).toHaveLength(2);
    const link = /https?:\/\/\S+/.exec(openBody(testConfig.secrets.current, rows[1]!.text))![0];
    expect(new URL(link).searchParams.get("callbackURL")).toBe("/email-verified");

    const tampered = new URL(link);
    tampered.searchParams.set("token", `${tampered.searchParams.get("token")}x`);
    const refused = await auth.handler(new Request(tampered));
    // Redirected back to the console page with the reason, and nothing verified.
    expect(refused.headers.get("location")).toMatch(/\/email-verified\?error=INVALID_TOKEN/);
    expect(await isVerified(userId)).toBe(false);

    const ok = await auth.handler(new Request(link));
    expect(ok.headers.get("location")).toBe("/email-verified");
    expect(await isVerified(userId)).toBe(true);
  });
});
