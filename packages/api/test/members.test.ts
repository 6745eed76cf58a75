import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import {
  callerFor,
  countRows,
  createOrganizationWithRoles,
  createUser,
  failureOf,
  type TestUser,
  useTestDatabase,
} from "./harness";

const db = useTestDatabase();

/** role per user id, straight from the table. */
async function rolesIn(organizationId: string): Promise<Record<string, string>> {
  const rows = await db.sql.query<{ userId: string; role: string }>(
    `SELECT "userId", role FROM membership WHERE "organizationId" = $1`,
    [organizationId],
  );
  return Object.fromEntries(rows.map((r) => [r.userId, r.role]));
}

const auditCount = (organizationId: string) => countRows(db, "audit_event", `"organizationId" = $1`, [organizationId]);

describe("members.list", () => {
  it("needs members:view: a viewer gets FORBIDDEN, a member sees everyone, an outsider gets NOT_FOUND", async () => {
    const { organization, member, viewer } = await createOrganizationWithRoles(db);
    expect(
      await failureOf(callerFor(db, viewer).organizations.members.list({ organizationId: organization.id })),
    ).toMatchObject({
      code: "FORBIDDEN",
      reason: "permission_denied",
    });
    const listed = await callerFor(db, member).organizations.members.list({ organizationId: organization.handle });
    expect(listed.members.map((m) => m.role)).toEqual(["owner", "admin", "member", "viewer"]);
    expect(listed.totalCount).toBe(4);
    expect(listed.nextCursor).toBeNull();
    expect(listed.members[2]).toEqual({
      membershipId: expect.any(String),
      userId: member.userId,
      name: member.name,
      email: member.email,
      image: null,
      role: "member",
      joinedAt: expect.any(Date),
    });
    const outsider = await failureOf(
      callerFor(db, await createUser(db)).organizations.members.list({ organizationId: organization.id }),
    );
    expect(outsider).toMatchObject({ code: "NOT_FOUND", reason: "organization_not_found" });
  });

  it("pages with cursor/limit, returning every member exactly once in join order", async () => {
    const owner = await createUser(db, { name: "Owner" });
    const asOwner = callerFor(db, owner);
    const { organization } = await asOwner.organizations.create({ name: "Acme" });
    const joined: string[] = [owner.userId];
    for (let i = 0; i < 11; i++) {
      const user = await createUser(db, { name: `Person ${String.fromCharCode(90 - i)}` }); // names in reverse alphabetical order
      await asOwner.organizations.members.add({ organizationId: organization.id, email: user.email });
      joined.push(user.userId);
    }
    // Another org's members never leak in.
    const { organization: other } = await callerFor(db, await createUser(db)).organizations.create({ name: "Other" });

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await asOwner.organizations.members.list({ organizationId: organization.id, limit: 5, cursor });
      expect(page.totalCount).toBe(12);
      expect(page.members.length).toBeLessThanOrEqual(5);
      seen.push(...page.members.map((m) => m.userId));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(joined);
    expect(await countRows(db, "membership", `"organizationId" = $1`, [other.id])).toBe(1);
  });

  it("refuses a cursor that is not a membership id with BAD_REQUEST", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner);
    for (const cursor of ["zzz", "'; drop table membership; --", "12345"]) {
      const failure = await failureOf(asOwner.organizations.members.list({ organizationId: organization.id, cursor }));
      expect(failure, cursor).toMatchObject({ code: "BAD_REQUEST", reason: "invalid_input" });
    }
    const first = await asOwner.organizations.members.list({ organizationId: organization.id, limit: 2 });
    const upper = await asOwner.organizations.members.list({
      organizationId: organization.id,
      limit: 2,
      cursor: first.nextCursor!.toUpperCase(),
    });
    expect(upper.members.map((m) => m.role)).toEqual(["member", "viewer"]);
  });

  it("searches names and emails case-insensitively, with a matching totalCount", async () => {
    const owner = await createUser(db, { name: "Olive Owner", email: "olive@acme.test" });
    const asOwner = callerFor(db, owner);
    const { organization } = await asOwner.organizations.create({ name: "Acme" });
    const people = [
      await createUser(db, { name: "Zed Zulu", email: "zed@example.com" }),
      await createUser(db, { name: "Amy Zimmer", email: "amy@example.com" }),
      await createUser(db, { name: "Bob Brown", email: "bob.zhang@corp.test" }),
      await createUser(db, { name: "Carl Cole", email: "carl@corp.test" }),
    ];
    for (const person of people)
      await asOwner.organizations.members.add({ organizationId: organization.id, email: person.email });
    // A non-member who matches must not show up.
    await createUser(db, { name: "Zara Outsider", email: "zara@example.com" });

    const byName = await asOwner.organizations.members.list({ organizationId: organization.id, search: "ZU" });
    expect(byName.members.map((m) => m.name)).toEqual(["Zed Zulu"]);
    expect(byName.totalCount).toBe(1);

    const byEmail = await asOwner.organizations.members.list({ organizationId: organization.id, search: "CORP.TEST" });
    expect(byEmail.members.map((m) => m.name)).toEqual(["Bob Brown", "Carl Cole"]);
    expect(byEmail.totalCount).toBe(2);

    // "z" is in Zed, Zimmer and zhang: paged with the search applied.
    const first = await asOwner.organizations.members.list({ organizationId: organization.id, search: "z", limit: 2 });
    expect(first.totalCount).toBe(3);
    expect(first.members.map((m) => m.name)).toEqual(["Zed Zulu", "Amy Zimmer"]);
    const second = await asOwner.organizations.members.list({
      organizationId: organization.id,
      search: "z",
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect(second.members.map((m) => m.name)).toEqual(["Bob Brown"]);
    expect(second.nextCursor).toBeNull();

    const none = await asOwner.organizations.members.list({ organizationId: organization.id, search: "nobody" });
    expect(none).toEqual({ members: [], nextCursor: null, totalCount: 0 });
  });
});

describe("members.add", () => {
  it("adds an existing user by email, case-insensitively, as a member by default", async () => {
    const { organization, admin } = await createOrganizationWithRoles(db);
    const bob = await createUser(db, { name: "Bob", email: "bob@example.com" });
    const { member } = await callerFor(db, admin).organizations.members.add({
      organizationId: organization.id,
      email: "  BOB@Example.COM ",
    });
    expect(member).toMatchObject({ userId: bob.userId, email: "bob@example.com", role: "member" });
    expect((await rolesIn(organization.id))[bob.userId]).toBe("member");
    // Bob now sees the organization.
    expect((await callerFor(db, bob).organizations.list()).organizations.map((o) => [o.id, o.role])).toEqual([
      [organization.id, "member"],
    ]);
  });

  it("answers NOT_FOUND user_not_found for an email nobody signed up with", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const failure = await failureOf(
      callerFor(db, owner).organizations.members.add({ organizationId: organization.id, email: "ghost@example.com" }),
    );
    expect(failure).toMatchObject({ code: "NOT_FOUND", reason: "user_not_found" });
    expect(await countRows(db, "membership")).toBe(4);
  });

  it("answers CONFLICT already_member, leaving the existing role alone", async () => {
    const { organization, owner, viewer } = await createOrganizationWithRoles(db);
    const before = await auditCount(organization.id);
    const failure = await failureOf(
      callerFor(db, owner).organizations.members.add({
        organizationId: organization.id,
        email: viewer.email.toUpperCase(),
        role: "admin",
      }),
    );
    expect(failure).toMatchObject({ code: "CONFLICT", reason: "already_member" });
    expect((await rolesIn(organization.id))[viewer.userId]).toBe("viewer");
    expect(await auditCount(organization.id)).toBe(before);
  });

  it("lets only an owner add an owner: an admin gets FORBIDDEN owner_required", async () => {
    const { organization, owner, admin } = await createOrganizationWithRoles(db);
    const bob = await createUser(db);
    const carol = await createUser(db);
    const failure = await failureOf(
      callerFor(db, admin).organizations.members.add({
        organizationId: organization.id,
        email: bob.email,
        role: "owner",
      }),
    );
    expect(failure).toMatchObject({ code: "FORBIDDEN", reason: "owner_required" });
    expect((await rolesIn(organization.id))[bob.userId]).toBeUndefined();
    // An admin may add an admin; an owner may add an owner.
    await callerFor(db, admin).organizations.members.add({
      organizationId: organization.id,
      email: bob.email,
      role: "admin",
    });
    await callerFor(db, owner).organizations.members.add({
      organizationId: organization.id,
      email: carol.email,
      role: "owner",
    });
    expect(await rolesIn(organization.id)).toMatchObject({ [bob.userId]: "admin", [carol.userId]: "owner" });
  });

  it("needs members:manage: a member gets FORBIDDEN permission_denied", async () => {
    const { organization, member } = await createOrganizationWithRoles(db);
    const bob = await createUser(db);
    const failure = await failureOf(
      callerFor(db, member).organizations.members.add({ organizationId: organization.id, email: bob.email }),
    );
    expect(failure).toMatchObject({ code: "FORBIDDEN", reason: "permission_denied" });
    expect(await countRows(db, "membership")).toBe(4);
  });

  it("refuses a malformed email with a field error", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const failure = await failureOf(
      callerFor(db, owner).organizations.members.add({ organizationId: organization.id, email: "not-an-email" }),
    );
    expect(failure.code).toBe("BAD_REQUEST");
    expect(failure.fieldErrors?.email?.length).toBeGreaterThan(0);
  });
});

describe("members.remove", () => {
  it("removes a member; removing a non-member succeeds and changes nothing", async () => {
    const { organization, admin, member } = await createOrganizationWithRoles(db);
    const asAdmin = callerFor(db, admin);
    expect(
      await asAdmin.organizations.members.remove({ organizationId: organization.id, userId: member.userId }),
    ).toEqual({ ok: true });
    expect((await rolesIn(organization.id))[member.userId]).toBeUndefined();
    expect(await failureOf(callerFor(db, member).organizations.get({ organizationId: organization.id }))).toMatchObject(
      { code: "NOT_FOUND" },
    );

    const before = await auditCount(organization.id);
    const stranger = await createUser(db);
    expect(
      await asAdmin.organizations.members.remove({ organizationId: organization.id, userId: member.userId }),
    ).toEqual({ ok: true });
    expect(
      await asAdmin.organizations.members.remove({ organizationId: organization.id, userId: stranger.userId }),
    ).toEqual({ ok: true });
    expect(
      await asAdmin.organizations.members.remove({ organizationId: organization.id, userId: randomUUID() }),
    ).toEqual({ ok: true });
    expect(Object.keys(await rolesIn(organization.id))).toHaveLength(3);
    expect(await auditCount(organization.id)).toBe(before);
  });

  it("refuses to remove the last owner with CONFLICT last_owner", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const failure = await failureOf(
      callerFor(db, owner).organizations.members.remove({ organizationId: organization.id, userId: owner.userId }),
    );
    expect(failure).toMatchObject({ code: "CONFLICT", reason: "last_owner" });
    expect((await rolesIn(organization.id))[owner.userId]).toBe("owner");
  });

  it("lets only an owner remove an owner: an admin gets FORBIDDEN owner_required", async () => {
    const { organization, owner, admin } = await createOrganizationWithRoles(db);
    const second = await createUser(db);
    await callerFor(db, owner).organizations.members.add({
      organizationId: organization.id,
      email: second.email,
      role: "owner",
    });
    for (const target of [owner, second]) {
      const failure = await failureOf(
        callerFor(db, admin).organizations.members.remove({ organizationId: organization.id, userId: target.userId }),
      );
      expect(failure).toMatchObject({ code: "FORBIDDEN", reason: "owner_required" });
    }
    expect(await rolesIn(organization.id)).toMatchObject({ [owner.userId]: "owner", [second.userId]: "owner" });
    // With two owners, an owner may remove the other.
    await callerFor(db, owner).organizations.members.remove({ organizationId: organization.id, userId: second.userId });
    expect((await rolesIn(organization.id))[second.userId]).toBeUndefined();
  });

  it("needs members:manage", async () => {
    const { organization, member, viewer } = await createOrganizationWithRoles(db);
    const failure = await failureOf(
      callerFor(db, member).organizations.members.remove({ organizationId: organization.id, userId: viewer.userId }),
    );
    expect(failure).toMatchObject({ code: "FORBIDDEN", reason: "permission_denied" });
    expect((await rolesIn(organization.id))[viewer.userId]).toBe("viewer");
  });
});

describe("members.setRole", () => {
  it("refuses the last owner demoting themself with CONFLICT last_owner", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    for (const role of ["admin", "member", "viewer"] as const) {
      const failure = await failureOf(
        callerFor(db, owner).organizations.members.setRole({
          organizationId: organization.id,
          userId: owner.userId,
          role,
        }),
      );
      expect(failure, role).toMatchObject({ code: "CONFLICT", reason: "last_owner" });
    }
    expect((await rolesIn(organization.id))[owner.userId]).toBe("owner");
  });

  it("lets only an owner grant or take away the owner role", async () => {
    const { organization, owner, admin, member } = await createOrganizationWithRoles(db);
    const asAdmin = callerFor(db, admin);
    // An admin may not promote anyone (including themself) to owner, nor demote an owner.
    for (const userId of [member.userId, admin.userId]) {
      const failure = await failureOf(
        asAdmin.organizations.members.setRole({ organizationId: organization.id, userId, role: "owner" }),
      );
      expect(failure).toMatchObject({ code: "FORBIDDEN", reason: "owner_required" });
    }
    const demote = await failureOf(
      asAdmin.organizations.members.setRole({ organizationId: organization.id, userId: owner.userId, role: "admin" }),
    );
    expect(demote).toMatchObject({ code: "FORBIDDEN", reason: "owner_required" });
    expect(await rolesIn(organization.id)).toMatchObject({
      [owner.userId]: "owner",
      [admin.userId]: "admin",
      [member.userId]: "member",
    });

    // An admin may change non-owner roles.
    const changed = await asAdmin.organizations.members.setRole({
      organizationId: organization.id,
      userId: member.userId,
      role: "viewer",
    });
    expect(changed.member).toMatchObject({ userId: member.userId, role: "viewer" });

    // An owner promotes the admin, and can then step down.
    const asOwner = callerFor(db, owner);
    await asOwner.organizations.members.setRole({
      organizationId: organization.id,
      userId: admin.userId,
      role: "owner",
    });
    await asOwner.organizations.members.setRole({
      organizationId: organization.id,
      userId: owner.userId,
      role: "member",
    });
    expect(await rolesIn(organization.id)).toMatchObject({ [owner.userId]: "member", [admin.userId]: "owner" });
    // Now the former owner is a plain member and cannot manage anyone.
    const after = await failureOf(
      asOwner.organizations.members.setRole({ organizationId: organization.id, userId: member.userId, role: "admin" }),
    );
    expect(after).toMatchObject({ code: "FORBIDDEN", reason: "permission_denied" });
  });

  it("answers NOT_FOUND member_not_found for a user who is not a member", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const stranger = await createUser(db);
    const failure = await failureOf(
      callerFor(db, owner).organizations.members.setRole({
        organizationId: organization.id,
        userId: stranger.userId,
        role: "admin",
      }),
    );
    expect(failure).toMatchObject({ code: "NOT_FOUND", reason: "member_not_found" });
    expect((await rolesIn(organization.id))[stranger.userId]).toBeUndefined();
  });

  it("refuses a malformed role with a field error, and a role the organization does not have as a bad role", async () => {
    const { organization, owner, member } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner).organizations;
    const malformed = await failureOf(
      asOwner.members.setRole({ organizationId: organization.id, userId: member.userId, role: "Super User!" }),
    );
    expect(malformed.code).toBe("BAD_REQUEST");
    expect(malformed.fieldErrors?.role?.length).toBeGreaterThan(0);
    const unknown = await failureOf(
      asOwner.members.setRole({ organizationId: organization.id, userId: member.userId, role: "superuser" }),
    );
    expect(unknown).toMatchObject({
      code: "BAD_REQUEST",
      reason: "invalid_input",
      message: 'This organization has no role "superuser"',
      details: { field: "role" },
    });
    const members = await asOwner.members.list({ organizationId: organization.id });
    expect(members.members.find((m) => m.userId === member.userId)?.role).toBe("member");
  });
});

describe("members.leave", () => {
  it("refuses the last owner with CONFLICT last_owner; a second owner can leave", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner);
    expect(await failureOf(asOwner.organizations.members.leave({ organizationId: organization.id }))).toMatchObject({
      code: "CONFLICT",
      reason: "last_owner",
    });
    expect((await rolesIn(organization.id))[owner.userId]).toBe("owner");

    const second = await createUser(db);
    await asOwner.organizations.members.add({ organizationId: organization.id, email: second.email, role: "owner" });
    expect(await callerFor(db, second).organizations.members.leave({ organizationId: organization.id })).toEqual({
      ok: true,
    });
    expect((await rolesIn(organization.id))[second.userId]).toBeUndefined();
    expect((await callerFor(db, second).organizations.list()).organizations).toEqual([]);
    // And with the second owner gone, the first is the last owner again.
    expect(await failureOf(asOwner.organizations.members.leave({ organizationId: organization.id }))).toMatchObject({
      reason: "last_owner",
    });
  });

  it("lets any member leave, only themself", async () => {
    const { organization, member, viewer } = await createOrganizationWithRoles(db);
    for (const user of [viewer, member]) {
      expect(await callerFor(db, user).organizations.members.leave({ organizationId: organization.handle })).toEqual({
        ok: true,
      });
    }
    expect(Object.values(await rolesIn(organization.id)).sort()).toEqual(["admin", "owner"]);
    // Leaving again: no longer a member, so the organization is not found.
    expect(
      await failureOf(callerFor(db, member).organizations.members.leave({ organizationId: organization.id })),
    ).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("memberships", () => {
  async function setup() {
    const fixture = await createOrganizationWithRoles(db);
    const { organization: other } = await callerFor(db, fixture.owner).organizations.create({ name: "Other" });
    const membershipIdOf = async (user: TestUser, organizationId: string) =>
      (
        await db.prisma.membership.findFirstOrThrow({
          where: { userId: user.userId, organizationId },
          select: { id: true },
        })
      ).id;
    return { ...fixture, other, membershipIdOf };
  }

  it("gets a membership by id or by (userId, organization id or handle)", async () => {
    const { organization, owner, member, membershipIdOf } = await setup();
    const id = await membershipIdOf(member, organization.id);
    const asMember = callerFor(db, member);
    const byId = await asMember.organizations.memberships.get({ membershipId: id });
    expect(byId.membership).toEqual({
      id,
      userId: member.userId,
      role: "member",
      createdAt: expect.any(Date),
      organization: {
        id: organization.id,
        handle: organization.handle,
        name: organization.name,
        active: true,
        logoUrl: null,
      },
    });
    expect(
      (await asMember.organizations.memberships.get({ userId: member.userId, organizationId: organization.handle }))
        .membership.id,
    ).toBe(id);
    expect(
      (await asMember.organizations.memberships.get({ userId: member.userId, organizationId: organization.id }))
        .membership.id,
    ).toBe(id);
    // Someone with members:view sees other members' memberships.
    expect((await callerFor(db, owner).organizations.memberships.get({ membershipId: id })).membership.role).toBe(
      "member",
    );
    expect(
      (await asMember.organizations.memberships.get({ userId: owner.userId, organizationId: "ACME" })).membership.role,
    ).toBe("owner");
  });

  it("hides memberships from non-members (NOT_FOUND, as for one that does not exist)", async () => {
    const { organization, owner, other, membershipIdOf } = await setup();
    const ownerInOther = await membershipIdOf(owner, other.id);
    const outsider = callerFor(db, await createUser(db));
    const hidden = await failureOf(outsider.organizations.memberships.get({ membershipId: ownerInOther }));
    const missing = await failureOf(outsider.organizations.memberships.get({ membershipId: randomUUID() }));
    expect(hidden).toMatchObject({ code: "NOT_FOUND", reason: "membership_not_found" });
    expect(hidden).toEqual(missing);
    const byPair = await failureOf(
      outsider.organizations.memberships.get({ userId: owner.userId, organizationId: organization.handle }),
    );
    expect(byPair).toEqual(missing);
  });

  it("hides other members' memberships from someone without members:view, and other organizations' from members", async () => {
    const { organization, owner, admin, viewer, other, membershipIdOf } = await setup();
    const asViewer = callerFor(db, viewer);
    // A viewer sees their own membership but not the owner's.
    expect(
      (await asViewer.organizations.memberships.get({ userId: viewer.userId, organizationId: organization.id }))
        .membership.role,
    ).toBe("viewer");
    const ownerInAcme = await membershipIdOf(owner, organization.id);
    expect(await failureOf(asViewer.organizations.memberships.get({ membershipId: ownerInAcme }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "membership_not_found",
    });
    // An admin of Acme sees nothing of Other, where they are not a member.
    const ownerInOther = await membershipIdOf(owner, other.id);
    expect(
      await failureOf(callerFor(db, admin).organizations.memberships.get({ membershipId: ownerInOther })),
    ).toMatchObject({ code: "NOT_FOUND" });
  });

  it("listByUser returns exactly the acting user's own memberships", async () => {
    const { organization, owner, admin, other } = await setup();
    const mine = await callerFor(db, owner).organizations.memberships.listByUser();
    expect(mine.memberships.map((m) => [m.organization.id, m.role, m.userId])).toEqual([
      [organization.id, "owner", owner.userId],
      [other.id, "owner", owner.userId],
    ]);
    const admins = await callerFor(db, admin).organizations.memberships.listByUser();
    expect(admins.memberships.map((m) => [m.organization.id, m.role])).toEqual([[organization.id, "admin"]]);
    // The sole owner is told up front that they cannot leave; with a second owner they can.
    expect(mine.memberships.map((m) => m.isLastOwner)).toEqual([true, true]);
    expect(admins.memberships[0]!.isLastOwner).toBe(false);
    await callerFor(db, owner).organizations.members.setRole({
      organizationId: organization.id,
      userId: admin.userId,
      role: "owner",
    });
    const after = await callerFor(db, owner).organizations.memberships.listByUser();
    expect(after.memberships.map((m) => [m.organization.id, m.isLastOwner])).toEqual([
      [organization.id, false],
      [other.id, true],
    ]);
    expect((await callerFor(db, owner).organizations.get({ organizationId: organization.id })).ownerCount).toBe(2);
    expect((await callerFor(db, owner).organizations.get({ organizationId: other.id })).ownerCount).toBe(1);
    expect((await callerFor(db, await createUser(db)).organizations.memberships.listByUser()).memberships).toEqual([]);
    expect(await failureOf(callerFor(db, null).organizations.memberships.listByUser())).toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});
