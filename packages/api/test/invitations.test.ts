import { describe, expect, it } from "vitest";

import { openBody } from "../src/services/outbox";
import { sha256Hex } from "../src/services/secrets";
import {
  callerFor,
  callerForBearer,
  createOrganizationWithRoles,
  createUser,
  databaseText,
  failureOf,
  testConfig,
  type TestUser,
  useTestDatabase,
} from "./harness";

const db = useTestDatabase();

const DAY_MS = 86_400_000;

/** An organization with a user in each role (see createOrganizationWithRoles), plus callers for them. */
async function orgWithTeam(name = "Acme") {
  const team = await createOrganizationWithRoles(db, name);
  return {
    ...team,
    asOwner: callerFor(db, team.owner),
    asAdmin: callerFor(db, team.admin),
    asMember: callerFor(db, team.member),
  };
}

function membershipsOf(organizationId: string, user: TestUser) {
  return db.prisma.membership.findMany({ where: { organizationId, userId: user.userId }, select: { role: true } });
}

async function statusInDb(invitationId: string) {
  const row = await db.prisma.invitation.findUniqueOrThrow({ where: { id: invitationId }, select: { status: true } });
  return row.status;
}

describe("invitations.create", () => {
  it("returns the one-time token and its accept link; default expiry is 7 days; the org may be named by handle", async () => {
    const { organization, admin, asAdmin } = await orgWithTeam();
    const created = await asAdmin.organizations.invitations.create({
      organizationId: organization.handle,
      email: "new@example.com",
    });
    expect(created.acceptUrl).toBe(`${testConfig.publicUrl}/invite/${created.token}`);
    expect(created.token.length).toBeGreaterThanOrEqual(32);
    expect(created.invitation).toMatchObject({
      organizationId: organization.id,
      email: "new@example.com",
      role: "member",
      status: "pending",
    });
    expect(created.invitation.expiresAt.getTime() - created.invitation.createdAt.getTime()).toBeGreaterThan(
      7 * DAY_MS - 60_000,
    );
    expect(created.invitation.expiresAt.getTime() - created.invitation.createdAt.getTime()).toBeLessThanOrEqual(
      7 * DAY_MS + 60_000,
    );
    expect(created.invitation.invitedBy).toEqual({ id: admin.userId, name: admin.name, email: admin.email });
    expect(created.invitation).not.toHaveProperty("tokenHash");

    const short = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: "short@example.com",
      expiresInDays: 2,
      role: "viewer",
    });
    expect(short.invitation.expiresAt.getTime() - short.invitation.createdAt.getTime()).toBeLessThanOrEqual(
      2 * DAY_MS + 60_000,
    );
    expect(short.invitation.expiresAt.getTime() - short.invitation.createdAt.getTime()).toBeGreaterThan(
      2 * DAY_MS - 60_000,
    );
    expect(short.invitation.role).toBe("viewer");
    expect(short.token).not.toBe(created.token);
  });

  it("needs members:manage: a member gets FORBIDDEN, a non-member NOT_FOUND", async () => {
    const { organization, asMember } = await orgWithTeam();
    const outsider = await createUser(db);
    expect(
      await failureOf(
        asMember.organizations.invitations.create({ organizationId: organization.id, email: "x@example.com" }),
      ),
    ).toMatchObject({
      code: "FORBIDDEN",
      reason: "permission_denied",
    });
    expect(
      await failureOf(
        callerFor(db, outsider).organizations.invitations.create({
          organizationId: organization.id,
          email: "x@example.com",
        }),
      ),
    ).toMatchObject({
      code: "NOT_FOUND",
      reason: "organization_not_found",
    });
    expect(
      await failureOf(
        callerFor(db, null).organizations.invitations.create({
          organizationId: organization.id,
          email: "x@example.com",
        }),
      ),
    ).toMatchObject({
      code: "UNAUTHORIZED",
    });
    expect(await db.prisma.invitation.count()).toBe(0);
    expect(await db.prisma.emailOutbox.count()).toBe(0);
  });

  it("normalizes the email and rejects an invalid one with a field error", async () => {
    const { organization, asOwner } = await orgWithTeam();
    const created = await asOwner.organizations.invitations.create({
      organizationId: organization.id,
      email: "  Bob@Example.COM ",
    });
    expect(created.invitation.email).toBe("bob@example.com");
    const bad = await failureOf(
      asOwner.organizations.invitations.create({ organizationId: organization.id, email: "not-an-email" }),
    );
    expect(bad).toMatchObject({ code: "BAD_REQUEST", reason: "invalid_input" });
    expect(bad.fieldErrors?.email?.length).toBeGreaterThan(0);
  });

  it("refuses to invite an existing member, whatever the case of the address", async () => {
    const { organization, member, asOwner } = await orgWithTeam();
    expect(
      await failureOf(
        asOwner.organizations.invitations.create({
          organizationId: organization.id,
          email: member.email.toUpperCase(),
        }),
      ),
    ).toMatchObject({
      code: "CONFLICT",
      reason: "already_member",
    });
    expect(await db.prisma.invitation.count()).toBe(0);
    expect(await db.prisma.emailOutbox.count()).toBe(0);
  });

  it("only an owner can invite an owner", async () => {
    const { organization, asOwner, asAdmin } = await orgWithTeam();
    expect(
      await failureOf(
        asAdmin.organizations.invitations.create({
          organizationId: organization.id,
          email: "boss@example.com",
          role: "owner",
        }),
      ),
    ).toMatchObject({
      code: "FORBIDDEN",
      reason: "owner_required",
    });
    const created = await asOwner.organizations.invitations.create({
      organizationId: organization.id,
      email: "boss@example.com",
      role: "owner",
    });
    expect(created.invitation.role).toBe("owner");
  });

  it("keeps one pending invitation per address: inviting again revokes the old link and issues a new token", async () => {
    const { organization, asOwner, asAdmin } = await orgWithTeam();
    const bob = await createUser(db, { email: "bob@example.com" });
    const first = await asOwner.organizations.invitations.create({
      organizationId: organization.id,
      email: "bob@example.com",
      role: "viewer",
    });
    const second = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: "BOB@example.com",
      role: "admin",
    });
    expect(second.token).not.toBe(first.token);
    expect(second.invitation.id).not.toBe(first.invitation.id);
    expect(await statusInDb(first.invitation.id)).toBe("revoked");

    const asBob = callerFor(db, bob);
    expect(await failureOf(asBob.organizations.invitations.accept({ token: first.token }))).toMatchObject({
      code: "CONFLICT",
      reason: "invitation_revoked",
    });
    const pending = await asOwner.organizations.invitations.list({ organizationId: organization.id });
    expect(pending.invitations.map((i) => i.id)).toEqual([second.invitation.id]);
    expect(await asBob.organizations.invitations.accept({ token: second.token })).toMatchObject({
      organizationId: organization.id,
      organization: { id: organization.id, handle: organization.handle, name: organization.name },
      role: "admin",
      alreadyMember: false,
    });
  });

  it("concurrent invitations of one address leave exactly one pending", async () => {
    const { organization, asOwner } = await orgWithTeam();
    const results = await Promise.all(
      [1, 2, 3, 4].map(() =>
        asOwner.organizations.invitations.create({ organizationId: organization.id, email: "race@example.com" }),
      ),
    );
    expect(new Set(results.map((r) => r.token)).size).toBe(4);
    const rows = await db.prisma.invitation.findMany({
      where: { email: "race@example.com" },
      select: { status: true },
    });
    expect(rows.map((r) => r.status).sort()).toEqual(["pending", "revoked", "revoked", "revoked"]);
  });

  it("queues the invitation email in the outbox with its body encrypted; the token is nowhere in clear", async () => {
    const { organization, admin, asAdmin } = await orgWithTeam("Outbox Org");
    const created = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: "Dana@Example.com",
      role: "admin",
      message: "Welcome aboard",
    });
    const emails = await db.prisma.emailOutbox.findMany({
      select: { to: true, kind: true, organizationId: true, subject: true, text: true, html: true, status: true },
    });
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(email).toMatchObject({
      to: "dana@example.com",
      kind: "invitation",
      organizationId: organization.id,
      status: "pending",
    });
    expect(email!.subject).toContain("Outbox Org");
    expect(email!.text.startsWith("enc:v1:")).toBe(true);
    expect(email!.html?.startsWith("enc:v1:")).toBe(true);

    const text = openBody(testConfig.secrets.current, email!.text);
    expect(text).toContain(created.acceptUrl);
    expect(text).toContain(admin.name);
    expect(text).toContain("Welcome aboard");
    expect(openBody(testConfig.secrets.current, email!.html!)).toContain(created.acceptUrl);
    // The wrong key cannot open it (GCM authenticates).
    expect(() => openBody("another-secret-another-secret-another-secret", email!.text)).toThrow();

    const everything = await databaseText(db);
    expect(everything).not.toContain(created.token);
    expect(everything).toContain(sha256Hex(created.token));
  });
});

describe("invitations.resend", () => {
  it("issues a new link and revokes the old one", async () => {
    const { organization, asAdmin } = await orgWithTeam();
    const erin = await createUser(db, { email: "erin@example.com" });
    const original = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: erin.email,
      role: "viewer",
      message: "hi",
    });
    const resent = await asAdmin.organizations.invitations.resend({
      organizationId: organization.id,
      id: original.invitation.id,
    });
    expect(resent.token).not.toBe(original.token);
    expect(resent.acceptUrl).toBe(`${testConfig.publicUrl}/invite/${resent.token}`);
    expect(resent.invitation).toMatchObject({ email: erin.email, role: "viewer", message: "hi", status: "pending" });
    expect(await statusInDb(original.invitation.id)).toBe("revoked");
    expect(await db.prisma.emailOutbox.count()).toBe(2);

    const asErin = callerFor(db, erin);
    expect(await failureOf(asErin.organizations.invitations.accept({ token: original.token }))).toMatchObject({
      code: "CONFLICT",
      reason: "invitation_revoked",
    });
    expect(await asErin.organizations.invitations.accept({ token: resent.token })).toMatchObject({
      role: "viewer",
      alreadyMember: false,
    });
    // An answered invitation cannot be resent.
    expect(
      await failureOf(
        asAdmin.organizations.invitations.resend({ organizationId: organization.id, id: resent.invitation.id }),
      ),
    ).toMatchObject({
      code: "CONFLICT",
      reason: "invitation_used",
    });
  });

  it("renews an expired invitation; needs members:manage", async () => {
    const { organization, asAdmin, asMember } = await orgWithTeam();
    const original = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: "late@example.com",
    });
    await db.prisma.invitation.update({
      where: { id: original.invitation.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(
      await failureOf(
        asMember.organizations.invitations.resend({ organizationId: organization.id, id: original.invitation.id }),
      ),
    ).toMatchObject({
      code: "FORBIDDEN",
    });
    const resent = await asAdmin.organizations.invitations.resend({
      organizationId: organization.id,
      id: original.invitation.id,
    });
    expect(resent.invitation.status).toBe("pending");
    expect(resent.invitation.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * DAY_MS);
  });
});

describe("invitations.list", () => {
  const people = [
    { email: "alice@acme.com", role: "admin" },
    { email: "a_ice@acme.com", role: "member" },
    { email: "bob@acme.com", role: "member" },
    { email: "alice@other.org", role: "viewer" },
    { email: "CAROL@acme.com", role: "admin" },
  ] as const;

  async function orgWithInvitations() {
    const team = await orgWithTeam();
    const ids = new Map<string, string>();
    for (const person of people) {
      const { invitation } = await team.asOwner.organizations.invitations.create({
        organizationId: team.organization.id,
        ...person,
      });
      ids.set(invitation.email, invitation.id);
    }
    return { ...team, ids };
  }

  async function listEmails(
    caller: ReturnType<typeof callerFor>,
    input: Parameters<ReturnType<typeof callerFor>["organizations"]["invitations"]["list"]>[0],
  ) {
    const { invitations } = await caller.organizations.invitations.list(input);
    return invitations.map((i) => i.email);
  }

  it("sorts by email, role and invite date, each way (ties broken by id)", async () => {
    const { organization, asOwner } = await orgWithInvitations();
    const organizationId = organization.id;
    const emailsAsc = ["a_ice@acme.com", "alice@acme.com", "alice@other.org", "bob@acme.com", "carol@acme.com"];
    expect(await listEmails(asOwner, { organizationId, sortField: "email", sortDirection: "asc" })).toEqual(emailsAsc);
    expect(await listEmails(asOwner, { organizationId, sortField: "email", sortDirection: "desc" })).toEqual(
      [...emailsAsc].reverse(),
    );

    const all = (await asOwner.organizations.invitations.list({ organizationId })).invitations;
    const byRoleThenId = [...all].sort((a, b) =>
      a.role === b.role ? (a.id < b.id ? -1 : 1) : a.role < b.role ? -1 : 1,
    );
    const roleAsc = await asOwner.organizations.invitations.list({
      organizationId,
      sortField: "role",
      sortDirection: "asc",
    });
    expect(roleAsc.invitations.map((i) => i.id)).toEqual(byRoleThenId.map((i) => i.id));
    expect(roleAsc.invitations.map((i) => i.role)).toEqual(["admin", "admin", "member", "member", "viewer"]);
    const roleDesc = await asOwner.organizations.invitations.list({
      organizationId,
      sortField: "role",
      sortDirection: "desc",
    });
    expect(roleDesc.invitations.map((i) => i.id)).toEqual(byRoleThenId.map((i) => i.id).reverse());

    // Spread the invite dates out so the expected order does not depend on creation speed.
    const base = Date.parse("2025-03-01T12:00:00.000Z");
    const dated = ["bob@acme.com", "alice@other.org", "carol@acme.com", "a_ice@acme.com", "alice@acme.com"];
    for (const [index, email] of dated.entries()) {
      await db.prisma.invitation.updateMany({ where: { email }, data: { createdAt: new Date(base + index * 60_000) } });
    }
    expect(await listEmails(asOwner, { organizationId, sortField: "inviteDate", sortDirection: "asc" })).toEqual(dated);
    expect(await listEmails(asOwner, { organizationId, sortField: "inviteDate", sortDirection: "desc" })).toEqual(
      [...dated].reverse(),
    );
    // The default is newest first.
    expect(await listEmails(asOwner, { organizationId })).toEqual([...dated].reverse());
  });

  it("filters with whole-value, case-insensitive globs where % and _ are literal", async () => {
    const { organization, asOwner } = await orgWithInvitations();
    const organizationId = organization.id;
    const filtered = async (filterField: "email" | "role", filter: string) =>
      (
        await listEmails(asOwner, { organizationId, sortField: "email", sortDirection: "asc", filterField, filter })
      ).join(" ");

    expect(await filtered("email", "*@acme.com")).toBe("a_ice@acme.com alice@acme.com bob@acme.com carol@acme.com");
    expect(await filtered("email", "*@ACME.COM")).toBe("a_ice@acme.com alice@acme.com bob@acme.com carol@acme.com");
    expect(await filtered("email", "a?ice@*")).toBe("a_ice@acme.com alice@acme.com alice@other.org");
    expect(await filtered("email", "alice@acme.com")).toBe("alice@acme.com");
    // Whole-value match: a fragment matches nothing without wildcards.
    expect(await filtered("email", "acme.com")).toBe("");
    expect(await filtered("email", "alice")).toBe("");
    // `_` and `%` are literal characters, not SQL wildcards.
    expect(await filtered("email", "a_ice@*")).toBe("a_ice@acme.com");
    expect(await filtered("email", "%")).toBe("");
    expect(await filtered("email", "%@acme.com")).toBe("");
    expect(await filtered("email", "*")).toBe(
      "a_ice@acme.com alice@acme.com alice@other.org bob@acme.com carol@acme.com",
    );
    expect(await filtered("role", "admin")).toBe("alice@acme.com carol@acme.com");
    expect(await filtered("role", "ADMIN")).toBe("alice@acme.com carol@acme.com");
    expect(await filtered("role", "adm")).toBe("");
    expect(await filtered("role", "*er")).toBe("a_ice@acme.com alice@other.org bob@acme.com");
    // A blank filter does not filter.
    expect((await filtered("email", "  ")).split(" ")).toHaveLength(5);
  });

  it("keyset pagination over every sort returns each row exactly once, in order", async () => {
    const { organization, asOwner, ids } = await orgWithInvitations();
    const organizationId = organization.id;
    // More rows, and tied invite dates, so pages split inside runs of equal sort values.
    for (let i = 0; i < 6; i += 1) {
      await asOwner.organizations.invitations.create({
        organizationId,
        email: `extra${i}@acme.com`,
        role: i % 2 ? "viewer" : "member",
      });
    }
    const tie = new Date("2025-01-01T00:00:00.123Z");
    await db.prisma.invitation.updateMany({
      where: { organizationId, email: { startsWith: "extra" } },
      data: { createdAt: tie },
    });
    await db.prisma.invitation.updateMany({
      where: { organizationId, email: { in: ["alice@acme.com", "bob@acme.com"] } },
      data: { createdAt: tie },
    });
    expect(ids.size).toBe(5);
    const someId = ids.get("alice@acme.com")!;

    for (const sortField of ["email", "role", "inviteDate"] as const) {
      for (const sortDirection of ["asc", "desc"] as const) {
        const full = (
          await asOwner.organizations.invitations.list({ organizationId, sortField, sortDirection, limit: 100 })
        ).invitations.map((i) => i.id);
        expect(full).toHaveLength(11);
        for (const limit of [1, 4]) {
          const seen: string[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await asOwner.organizations.invitations.list({
              organizationId,
              sortField,
              sortDirection,
              limit,
              cursor,
            });
            expect(page.invitations.length).toBeLessThanOrEqual(limit);
            seen.push(...page.invitations.map((i) => i.id));
            cursor = page.nextCursor ?? undefined;
            pages += 1;
            expect(pages).toBeLessThanOrEqual(12);
          } while (cursor);
          expect(seen, `${sortField} ${sortDirection} by ${limit}`).toEqual(full);
        }
      }
    }

    // Pagination composes with a filter.
    const filteredPages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await asOwner.organizations.invitations.list({
        organizationId,
        filterField: "email",
        filter: "extra*",
        sortField: "email",
        sortDirection: "asc",
        limit: 4,
        cursor,
      });
      filteredPages.push(...page.invitations.map((i) => i.email));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(filteredPages).toEqual([0, 1, 2, 3, 4, 5].map((i) => `extra${i}@acme.com`));

    // Bad cursors are bad requests, never a failed SQL cast: garbage, a cursor from another sort, a forged date.
    const emailCursor = (await asOwner.organizations.invitations.list({ organizationId, sortField: "email", limit: 1 }))
      .nextCursor!;
    const forged = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString("base64url");
    for (const [sortField, badCursor] of [
      ["inviteDate", "not-a-cursor"],
      ["inviteDate", emailCursor],
      ["role", emailCursor],
      ["inviteDate", forged(["inviteDate", "2025-02-30 10:00:00", someId])],
      ["inviteDate", forged(["inviteDate", "yesterday", someId])],
      ["email", forged(["email", 42, someId])],
    ] as const) {
      expect(
        await failureOf(asOwner.organizations.invitations.list({ organizationId, sortField, cursor: badCursor })),
        `${sortField} ${badCursor}`,
      ).toMatchObject({
        code: "BAD_REQUEST",
        reason: "invalid_input",
      });
    }
  });

  it("lists only pending invitations (expired ones flagged), and needs members:manage", async () => {
    const { organization, asOwner, asMember, ids } = await orgWithInvitations();
    const organizationId = organization.id;
    const alice = await createUser(db, { email: "alice@acme.com" });
    const bob = await createUser(db, { email: "bob@acme.com" });
    const listed = await asOwner.organizations.invitations.list({
      organizationId,
      sortField: "email",
      sortDirection: "asc",
    });
    const tokenOf = async (email: string) => {
      // Tokens are not recoverable from the list: resend to get a usable link for this test.
      const { token } = await asOwner.organizations.invitations.resend({
        organizationId,
        id: listed.invitations.find((i) => i.email === email)!.id,
      });
      return token;
    };
    await callerFor(db, alice).organizations.invitations.accept({ token: await tokenOf("alice@acme.com") });
    await callerFor(db, bob).organizations.invitations.decline({ token: await tokenOf("bob@acme.com") });
    const carolId = (
      await asOwner.organizations.invitations.list({ organizationId, filterField: "email", filter: "carol@*" })
    ).invitations[0]!.id;
    await asOwner.organizations.invitations.revoke({ organizationId, id: carolId });
    await db.prisma.invitation.updateMany({
      where: { email: "alice@other.org" },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });

    const remaining = await asOwner.organizations.invitations.list({
      organizationId,
      sortField: "email",
      sortDirection: "asc",
    });
    expect(remaining.invitations.map((i) => [i.email, i.status])).toEqual([
      ["a_ice@acme.com", "pending"],
      ["alice@other.org", "expired"],
    ]);
    expect(ids.get("a_ice@acme.com")).toBe(remaining.invitations[0]!.id);

    expect(await failureOf(asMember.organizations.invitations.list({ organizationId }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "permission_denied",
    });
    const outsider = await createUser(db);
    expect(await failureOf(callerFor(db, outsider).organizations.invitations.list({ organizationId }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "organization_not_found",
    });
  });
});

describe("invitations.revoke", () => {
  it("kills the link; another org's invitation id is NOT_FOUND", async () => {
    const acme = await orgWithTeam("Acme");
    const globex = await orgWithTeam("Globex");
    const frank = await createUser(db, { email: "frank@example.com" });
    const acmeInvite = await acme.asAdmin.organizations.invitations.create({
      organizationId: acme.organization.id,
      email: frank.email,
    });
    const globexInvite = await globex.asAdmin.organizations.invitations.create({
      organizationId: globex.organization.id,
      email: frank.email,
    });

    expect(
      await failureOf(
        acme.asMember.organizations.invitations.revoke({
          organizationId: acme.organization.id,
          id: acmeInvite.invitation.id,
        }),
      ),
    ).toMatchObject({
      code: "FORBIDDEN",
    });
    expect(
      await failureOf(
        acme.asAdmin.organizations.invitations.revoke({
          organizationId: acme.organization.id,
          id: globexInvite.invitation.id,
        }),
      ),
    ).toMatchObject({
      code: "NOT_FOUND",
      reason: "invitation_not_found",
    });
    expect(await statusInDb(globexInvite.invitation.id)).toBe("pending");

    expect(
      await acme.asAdmin.organizations.invitations.revoke({
        organizationId: acme.organization.id,
        id: acmeInvite.invitation.id,
      }),
    ).toEqual({ ok: true });
    // Revoking twice is harmless.
    expect(
      await acme.asAdmin.organizations.invitations.revoke({
        organizationId: acme.organization.id,
        id: acmeInvite.invitation.id,
      }),
    ).toEqual({ ok: true });
    const asFrank = callerFor(db, frank);
    expect(await failureOf(asFrank.organizations.invitations.accept({ token: acmeInvite.token }))).toMatchObject({
      code: "CONFLICT",
      reason: "invitation_revoked",
    });
    expect(
      (await callerFor(db, null).organizations.invitations.preview({ token: acmeInvite.token })).invitation.status,
    ).toBe("revoked");
    expect(await membershipsOf(acme.organization.id, frank)).toHaveLength(0);
    expect(await asFrank.organizations.invitations.accept({ token: globexInvite.token })).toMatchObject({
      organizationId: globex.organization.id,
    });
  });
});

describe("invitations.preview", () => {
  it("shows the invitation to anyone holding the token, without a session", async () => {
    const { organization, admin, asAdmin } = await orgWithTeam("Preview Corp");
    const created = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: "gina@example.com",
      role: "admin",
      message: "Join us",
    });
    const { invitation } = await callerFor(db, null).organizations.invitations.preview({ token: created.token });
    expect(invitation).toEqual({
      id: created.invitation.id,
      organization: { id: organization.id, handle: organization.handle, name: "Preview Corp", logoUrl: null },
      invitedBy: { name: admin.name, email: admin.email },
      email: "gina@example.com",
      role: "admin",
      roleName: "Admin",
      message: "Join us",
      status: "pending",
      expiresAt: created.invitation.expiresAt,
      hasAccount: false,
    });
    // Once the invitee has signed up, the page leads with "Sign in".
    await createUser(db, { email: "gina@example.com" });
    expect(
      (await callerFor(db, null).organizations.invitations.preview({ token: created.token })).invitation.hasAccount,
    ).toBe(true);
    expect(
      await failureOf(callerFor(db, null).organizations.invitations.preview({ token: "x".repeat(43) })),
    ).toMatchObject({
      code: "NOT_FOUND",
      reason: "invitation_not_found",
    });
    await db.prisma.invitation.update({
      where: { id: created.invitation.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(
      (await callerFor(db, null).organizations.invitations.preview({ token: created.token })).invitation.status,
    ).toBe("expired");
  });
});

describe("invitations.mine", () => {
  it("lists the pending, unexpired invitations addressed to the acting user only", async () => {
    const acme = await orgWithTeam("Acme");
    const globex = await orgWithTeam("Globex");
    const initech = await orgWithTeam("Initech");
    const umbrella = await orgWithTeam("Umbrella");
    const hank = await createUser(db, { email: "hank@example.com" });
    const pending = await acme.asAdmin.organizations.invitations.create({
      organizationId: acme.organization.id,
      email: "HANK@example.com",
      role: "viewer",
    });
    const expired = await globex.asAdmin.organizations.invitations.create({
      organizationId: globex.organization.id,
      email: hank.email,
    });
    await db.prisma.invitation.update({
      where: { id: expired.invitation.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const revoked = await initech.asAdmin.organizations.invitations.create({
      organizationId: initech.organization.id,
      email: hank.email,
    });
    await initech.asAdmin.organizations.invitations.revoke({
      organizationId: initech.organization.id,
      id: revoked.invitation.id,
    });
    await umbrella.asAdmin.organizations.invitations.create({
      organizationId: umbrella.organization.id,
      email: "someone-else@example.com",
    });

    const mine = await callerFor(db, hank).organizations.invitations.mine();
    expect(mine.invitations).toHaveLength(1);
    expect(mine.invitations[0]).toMatchObject({
      id: pending.invitation.id,
      role: "viewer",
      status: "pending",
      organization: { id: acme.organization.id, name: "Acme" },
    });
    expect((await callerFor(db, acme.member).organizations.invitations.mine()).invitations).toEqual([]);
    expect(await failureOf(callerFor(db, null).organizations.invitations.mine())).toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});

describe("invitations.accept", () => {
  it("makes the invitee a member with the invited role, by token or (addressee only) by id", async () => {
    const { organization, asAdmin } = await orgWithTeam();
    const ivy = await createUser(db, { email: "ivy@example.com" });
    const jack = await createUser(db, { email: "jack@example.com" });
    const byToken = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: "Ivy@Example.com",
      role: "admin",
    });
    expect(await callerFor(db, ivy).organizations.invitations.accept({ token: byToken.token })).toEqual({
      organizationId: organization.id,
      organization: { id: organization.id, handle: organization.handle, name: organization.name },
      role: "admin",
      roleName: "Admin",
      alreadyMember: false,
    });
    expect(await membershipsOf(organization.id, ivy)).toEqual([{ role: "admin" }]);
    expect(await statusInDb(byToken.invitation.id)).toBe("accepted");
    expect(
      await failureOf(callerFor(db, ivy).organizations.invitations.accept({ token: byToken.token })),
    ).toMatchObject({
      code: "CONFLICT",
      reason: "invitation_used",
    });

    const byId = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: jack.email,
      role: "viewer",
    });
    // Someone else cannot even learn the id exists.
    expect(
      await failureOf(callerFor(db, ivy).organizations.invitations.accept({ invitationId: byId.invitation.id })),
    ).toMatchObject({
      code: "NOT_FOUND",
      reason: "invitation_not_found",
    });
    expect(
      await callerFor(db, jack).organizations.invitations.accept({ invitationId: byId.invitation.id }),
    ).toMatchObject({ role: "viewer" });
    expect(await membershipsOf(organization.id, jack)).toEqual([{ role: "viewer" }]);
  });

  it("refuses a user whose email does not match, and changes nothing", async () => {
    const { organization, asAdmin } = await orgWithTeam();
    const kate = await createUser(db, { email: "kate@example.com" });
    const mallory = await createUser(db, { email: "mallory@example.com" });
    const created = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: kate.email,
    });
    const auditBefore = await db.prisma.auditEvent.count();
    expect(
      await failureOf(callerFor(db, mallory).organizations.invitations.accept({ token: created.token })),
    ).toMatchObject({
      code: "FORBIDDEN",
      reason: "email_mismatch",
    });
    expect(
      await failureOf(callerFor(db, mallory).organizations.invitations.decline({ token: created.token })),
    ).toMatchObject({
      code: "FORBIDDEN",
      reason: "email_mismatch",
    });
    expect(await membershipsOf(organization.id, mallory)).toHaveLength(0);
    expect(await statusInDb(created.invitation.id)).toBe("pending");
    expect(await db.prisma.auditEvent.count()).toBe(auditBefore);
    expect(await callerFor(db, kate).organizations.invitations.accept({ token: created.token })).toMatchObject({
      alreadyMember: false,
    });
  });

  it("refuses expired, revoked and declined invitations with their reason", async () => {
    const { organization, asAdmin } = await orgWithTeam();
    const liam = await createUser(db, { email: "liam@example.com" });
    const asLiam = callerFor(db, liam);
    const expired = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: liam.email,
    });
    await db.prisma.invitation.update({
      where: { id: expired.invitation.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await failureOf(asLiam.organizations.invitations.accept({ token: expired.token }))).toMatchObject({
      code: "CONFLICT",
      reason: "invitation_expired",
    });
    expect(await failureOf(asLiam.organizations.invitations.decline({ token: expired.token }))).toMatchObject({
      code: "CONFLICT",
      reason: "invitation_expired",
    });

    const revoked = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: liam.email,
    });
    await asAdmin.organizations.invitations.revoke({ organizationId: organization.id, id: revoked.invitation.id });
    expect(await failureOf(asLiam.organizations.invitations.accept({ token: revoked.token }))).toMatchObject({
      code: "CONFLICT",
      reason: "invitation_revoked",
    });

    const declined = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: liam.email,
    });
    await asLiam.organizations.invitations.decline({ token: declined.token });
    expect(await failureOf(asLiam.organizations.invitations.accept({ token: declined.token }))).toMatchObject({
      code: "CONFLICT",
      reason: "invitation_declined",
    });
    expect(await membershipsOf(organization.id, liam)).toHaveLength(0);
  });

  it("concurrent accepts of one token by its invitee: exactly one success and one membership", async () => {
    const { organization, asAdmin } = await orgWithTeam();
    const mia = await createUser(db, { email: "mia@example.com" });
    const created = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: mia.email,
      role: "admin",
    });
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map(() => callerFor(db, mia).organizations.invitations.accept({ token: created.token })),
    );
    const successes = results.filter((r) => r.status === "fulfilled");
    expect(successes).toHaveLength(1);
    expect(successes[0]).toMatchObject({
      value: { organizationId: organization.id, role: "admin", alreadyMember: false },
    });
    for (const result of results) {
      if (result.status === "rejected") {
        expect(await failureOf(Promise.reject(result.reason))).toMatchObject({
          code: "CONFLICT",
          reason: "invitation_used",
        });
      }
    }
    expect(await membershipsOf(organization.id, mia)).toEqual([{ role: "admin" }]);
    expect(await db.prisma.auditEvent.count({ where: { action: "invitation.accepted" } })).toBe(1);
  });

  it("keeps the current role of someone who already joined another way", async () => {
    const { organization, asAdmin } = await orgWithTeam();
    const nina = await createUser(db, { email: "nina@example.com" });
    const created = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: nina.email,
      role: "admin",
    });
    const { code } = await asAdmin.organizations.joinCodes.create({ organizationId: organization.id, role: "viewer" });
    await callerFor(db, nina).organizations.joinCodes.join({ code });
    expect(await callerFor(db, nina).organizations.invitations.accept({ token: created.token })).toEqual({
      organizationId: organization.id,
      organization: { id: organization.id, handle: organization.handle, name: organization.name },
      role: "viewer",
      roleName: "Viewer",
      alreadyMember: true,
    });
    expect(await membershipsOf(organization.id, nina)).toEqual([{ role: "viewer" }]);
  });

  it("needs a signed-in user: an API token gets FORBIDDEN user_required, anonymous UNAUTHORIZED", async () => {
    const { organization, asOwner, asAdmin } = await orgWithTeam();
    const created = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: "oscar@example.com",
    });
    const { apiToken } = await asOwner.organizations.tokens.create({ organizationId: organization.id, name: "ci" });
    const asToken = await callerForBearer(db, apiToken.bearer);
    expect(await failureOf(asToken.organizations.invitations.accept({ token: created.token }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "user_required",
    });
    expect(await failureOf(asToken.organizations.invitations.decline({ token: created.token }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "user_required",
    });
    expect(
      await failureOf(callerFor(db, null).organizations.invitations.accept({ token: created.token })),
    ).toMatchObject({
      code: "UNAUTHORIZED",
      reason: "unauthenticated",
    });
    expect(await statusInDb(created.invitation.id)).toBe("pending");
  });
});

describe("invitations.decline", () => {
  it("the invitee turns it down; it can no longer be accepted and leaves the pending list", async () => {
    const { organization, asAdmin } = await orgWithTeam();
    const paul = await createUser(db, { email: "paul@example.com" });
    const asPaul = callerFor(db, paul);
    const created = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: paul.email,
    });
    expect((await asPaul.organizations.invitations.mine()).invitations).toHaveLength(1);
    expect(await asPaul.organizations.invitations.decline({ invitationId: created.invitation.id })).toEqual({
      ok: true,
    });
    expect(await statusInDb(created.invitation.id)).toBe("declined");
    expect(await failureOf(asPaul.organizations.invitations.accept({ token: created.token }))).toMatchObject({
      code: "CONFLICT",
      reason: "invitation_declined",
    });
    expect(await failureOf(asPaul.organizations.invitations.decline({ token: created.token }))).toMatchObject({
      code: "CONFLICT",
      reason: "invitation_declined",
    });
    expect((await asPaul.organizations.invitations.mine()).invitations).toHaveLength(0);
    expect(
      (await asAdmin.organizations.invitations.list({ organizationId: organization.id })).invitations,
    ).toHaveLength(0);
    expect(await membershipsOf(organization.id, paul)).toHaveLength(0);
    // A new invitation can be sent after a decline.
    const again = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: paul.email,
    });
    expect(await asPaul.organizations.invitations.accept({ token: again.token })).toMatchObject({
      alreadyMember: false,
    });
  });
});

describe("invitations of an inactive organization", () => {
  it("cannot be accepted and are not offered in mine, but can still be declined", async () => {
    const { organization, asOwner, asAdmin } = await orgWithTeam();
    const rita = await createUser(db, { email: "rita@example.com" });
    const asRita = callerFor(db, rita);
    const first = await asAdmin.organizations.invitations.create({
      organizationId: organization.id,
      email: rita.email,
    });
    await asOwner.organizations.update({ organizationId: organization.id, active: false });

    expect((await asRita.organizations.invitations.mine()).invitations).toHaveLength(0);
    expect(await failureOf(asRita.organizations.invitations.accept({ token: first.token }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "organization_inactive",
    });
    expect(await membershipsOf(organization.id, rita)).toHaveLength(0);
    expect(await asRita.organizations.invitations.decline({ token: first.token })).toEqual({ ok: true });
    expect(await statusInDb(first.invitation.id)).toBe("declined");
  });
});
