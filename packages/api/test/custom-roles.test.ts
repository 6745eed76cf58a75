import { describe, expect, it } from "vitest";

import type { Permission } from "../src/domain/permissions";
import {
  callerFor,
  callerForBearer,
  countRows,
  createOrganizationWithRoles,
  createUser,
  failureOf,
  type TestUser,
  useTestDatabase,
} from "./harness";

// Custom roles (issue 10): each organization defines its own roles from the permission catalogue.

const db = useTestDatabase();

async function orgWithTeam(name = "Acme") {
  const team = await createOrganizationWithRoles(db, name);
  return {
    ...team,
    orgId: team.organization.id,
    asOwner: callerFor(db, team.owner).organizations,
    asAdmin: callerFor(db, team.admin).organizations,
    asMember: callerFor(db, team.member).organizations,
  };
}

const SUPPORT: Permission[] = ["members:view", "audit:view"];

async function roleOf(organizationId: string, user: TestUser): Promise<string | undefined> {
  const row = await db.prisma.membership.findUnique({
    where: { organizationId_userId: { organizationId, userId: user.userId } },
    select: { role: true },
  });
  return row?.role;
}

/** A new user who is a member of the organization with `role` (added by the owner). */
async function memberWithRole(
  asOwner: ReturnType<typeof callerFor>["organizations"],
  organizationId: string,
  role: string,
): Promise<TestUser> {
  const user = await createUser(db);
  await asOwner.members.add({ organizationId, email: user.email, role });
  return user;
}

describe("customRoles: create, list, update, delete", () => {
  it("an owner defines a role; it is listed after the built-in ones, with org:view always in it", async () => {
    const { orgId, asOwner } = await orgWithTeam();
    const { role } = await asOwner.customRoles.create({
      organizationId: orgId,
      key: "support",
      name: "Support",
      description: "Sees members and the audit log",
      permissions: ["audit:view", "members:view", "audit:view"],
    });
    expect(role).toMatchObject({
      key: "support",
      name: "Support",
      description: "Sees members and the audit log",
      // Catalogue order, no duplicates, org:view added.
      permissions: ["org:view", "members:view", "audit:view"],
      builtIn: false,
    });
    expect(role.createdAt).toBeInstanceOf(Date);

    const { roles } = await asOwner.customRoles.list({ organizationId: orgId });
    expect(roles.map((r) => [r.key, r.builtIn, r.usage.members])).toEqual([
      ["owner", true, 1],
      ["admin", true, 1],
      ["member", true, 1],
      ["viewer", true, 1],
      ["support", false, 0],
    ]);
    expect(roles.find((r) => r.key === "admin")).toMatchObject({ name: "Admin", createdAt: null });

    const audit = await asOwner.audit.list({ organizationId: orgId });
    expect(audit.events[0]).toMatchObject({
      action: "role.created",
      target: { type: "role", id: "support", label: "Support" },
      metadata: { permissions: ["org:view", "members:view", "audit:view"] },
    });
  });

  it("any member sees the list (org:view); only roles:manage (owners, admins) changes it", async () => {
    const { orgId, asOwner, asAdmin, asMember, viewer } = await orgWithTeam();
    await asAdmin.customRoles.create({ organizationId: orgId, key: "support", name: "Support", permissions: SUPPORT });
    expect((await callerFor(db, viewer).organizations.customRoles.list({ organizationId: orgId })).roles).toHaveLength(
      5,
    );
    for (const attempt of [
      () => asMember.customRoles.create({ organizationId: orgId, key: "other", name: "Other", permissions: [] }),
      () => asMember.customRoles.update({ organizationId: orgId, key: "support", name: "Renamed" }),
      () => asMember.customRoles.delete({ organizationId: orgId, key: "support" }),
    ]) {
      expect(await failureOf(attempt())).toMatchObject({ code: "FORBIDDEN", reason: "permission_denied" });
    }
    const outsider = callerFor(db, await createUser(db)).organizations;
    expect(await failureOf(outsider.customRoles.list({ organizationId: orgId }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "organization_not_found",
    });
    await asOwner.customRoles.delete({ organizationId: orgId, key: "support" });
    expect(await countRows(db, "organization_role")).toBe(0);
  });

  it("updates name, description and permissions; clears the description with null", async () => {
    const { orgId, asOwner } = await orgWithTeam();
    await asOwner.customRoles.create({
      organizationId: orgId,
      key: "support",
      name: "Support",
      description: "First",
      permissions: SUPPORT,
    });
    const renamed = await asOwner.customRoles.update({ organizationId: orgId, key: "support", name: "Helpdesk" });
    expect(renamed.role).toMatchObject({
      name: "Helpdesk",
      description: "First",
      permissions: ["org:view", ...SUPPORT],
    });
    const changed = await asOwner.customRoles.update({
      organizationId: orgId,
      key: "support",
      description: null,
      permissions: ["members:view", "invitations:manage"],
    });
    expect(changed.role).toMatchObject({
      name: "Helpdesk",
      description: null,
      permissions: ["org:view", "members:view", "invitations:manage"],
    });
    const audit = await asOwner.audit.list({ organizationId: orgId });
    expect(audit.events[0]).toMatchObject({
      action: "role.updated",
      metadata: { description: null, added: ["invitations:manage"], removed: ["audit:view"] },
    });
  });

  it("refuses unknown keys with role_not_found and built-in keys with a key field error", async () => {
    const { orgId, asOwner } = await orgWithTeam();
    expect(
      await failureOf(asOwner.customRoles.update({ organizationId: orgId, key: "ghost", name: "X" })),
    ).toMatchObject({ code: "NOT_FOUND", reason: "role_not_found" });
    expect(await failureOf(asOwner.customRoles.delete({ organizationId: orgId, key: "ghost" }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "role_not_found",
    });
    for (const attempt of [
      () => asOwner.customRoles.create({ organizationId: orgId, key: "admin", name: "Mine", permissions: [] }),
      () => asOwner.customRoles.update({ organizationId: orgId, key: "owner", name: "Boss" }),
      () => asOwner.customRoles.delete({ organizationId: orgId, key: "member" }),
    ]) {
      const failure = await failureOf(attempt());
      expect(failure).toMatchObject({ code: "BAD_REQUEST", reason: "invalid_input" });
      expect(failure.fieldErrors?.key?.[0]).toContain("built-in role");
    }
    for (const key of ["a", "has space", "-lead", "lead-", "two--hyphens", "1st", "x".repeat(41)]) {
      const failure = await failureOf(
        asOwner.customRoles.create({ organizationId: orgId, key, name: "Bad", permissions: [] }),
      );
      expect(failure.fieldErrors?.key?.length, key).toBeGreaterThan(0);
    }
    const unknownPermission = await failureOf(
      asOwner.customRoles.create({
        organizationId: orgId,
        key: "odd",
        name: "Odd",
        permissions: ["org:view", "everything:do" as Permission],
      }),
    );
    expect(unknownPermission.fieldErrors?.permissions?.length).toBeGreaterThan(0);
    expect(await countRows(db, "organization_role")).toBe(0);
  });

  it("is read-only while the organization is inactive", async () => {
    const { orgId, asOwner } = await orgWithTeam();
    await asOwner.update({ organizationId: orgId, active: false });
    expect(
      await failureOf(
        asOwner.customRoles.create({ organizationId: orgId, key: "support", name: "S", permissions: [] }),
      ),
    ).toMatchObject({ code: "FORBIDDEN", reason: "organization_inactive" });
    expect((await asOwner.customRoles.list({ organizationId: orgId })).roles).toHaveLength(4);
  });
});

describe("role keys are unique per organization", () => {
  it("refuses a key taken in the organization (any case) with role_key_taken; another organization may use it", async () => {
    const { orgId, asOwner, owner } = await orgWithTeam();
    await asOwner.customRoles.create({ organizationId: orgId, key: "support", name: "Support", permissions: [] });
    expect(
      await failureOf(
        asOwner.customRoles.create({ organizationId: orgId, key: "Support", name: "Again", permissions: [] }),
      ),
    ).toMatchObject({ code: "CONFLICT", reason: "role_key_taken" });
    const { organization: other } = await callerFor(db, owner).organizations.create({ name: "Other" });
    await asOwner.customRoles.create({ organizationId: other.id, key: "support", name: "Theirs", permissions: [] });
    expect(await countRows(db, "organization_role")).toBe(2);
  });

  it("lets exactly one of concurrent creates of the same key win", async () => {
    const { orgId, asOwner, asAdmin } = await orgWithTeam();
    const results = await Promise.allSettled(
      [asOwner, asAdmin, asOwner, asAdmin].map((caller, i) =>
        caller.customRoles.create({ organizationId: orgId, key: "support", name: `Support ${i}`, permissions: [] }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const result of results.filter((r) => r.status === "rejected")) {
      expect(await failureOf(Promise.reject((result as PromiseRejectedResult).reason))).toMatchObject({
        reason: "role_key_taken",
      });
    }
    expect(await countRows(db, "organization_role")).toBe(1);
  });
});

describe("escalation: only roles within your own permissions", () => {
  it("an admin cannot mint a role with org:delete and give it to themselves", async () => {
    const { orgId, asAdmin, admin } = await orgWithTeam();
    const minted = await failureOf(
      asAdmin.customRoles.create({ organizationId: orgId, key: "god", name: "God", permissions: ["org:delete"] }),
    );
    expect(minted).toMatchObject({
      code: "FORBIDDEN",
      reason: "permission_escalation",
      details: { missing: ["org:delete"] },
    });
    expect(await countRows(db, "organization_role")).toBe(0);
    // Nor by creating a harmless role and widening it afterwards.
    await asAdmin.customRoles.create({ organizationId: orgId, key: "helper", name: "Helper", permissions: [] });
    expect(
      await failureOf(
        asAdmin.customRoles.update({
          organizationId: orgId,
          key: "helper",
          permissions: ["org:delete", "members:view"],
        }),
      ),
    ).toMatchObject({ reason: "permission_escalation", details: { missing: ["org:delete"] } });
    await asAdmin.members.setRole({ organizationId: orgId, userId: admin.userId, role: "helper" });
    expect(await roleOf(orgId, admin)).toBe("helper");
    // helper has no members:manage: the admin demoted themselves, and now can do nothing more.
    const asHelper = callerFor(db, admin).organizations;
    expect(
      await failureOf(asHelper.members.setRole({ organizationId: orgId, userId: admin.userId, role: "admin" })),
    ).toMatchObject({ reason: "permission_denied" });
    const { permissions } = await asHelper.get({ organizationId: orgId });
    expect(permissions).toEqual(["org:view"]);
  });

  it("an owner creates any role; an admin can neither grant, edit, delete it nor touch its holders", async () => {
    const { orgId, asOwner, asAdmin, member } = await orgWithTeam();
    await asOwner.customRoles.create({
      organizationId: orgId,
      key: "billing",
      name: "Billing",
      permissions: ["license:view", "license:manage"],
    });
    const holder = await memberWithRole(asOwner, orgId, "billing");
    const newcomer = await createUser(db);
    const escalations = {
      "members.add": () => asAdmin.members.add({ organizationId: orgId, email: newcomer.email, role: "billing" }),
      "members.setRole": () =>
        asAdmin.members.setRole({ organizationId: orgId, userId: member.userId, role: "billing" }),
      "invitations.create": () =>
        asAdmin.invitations.create({
          organizationId: orgId,
          email: "b@example.com",
          role: "billing",
        }),
      "joinCodes.create": () => asAdmin.joinCodes.create({ organizationId: orgId, role: "billing" }),
      "customRoles.update": () => asAdmin.customRoles.update({ organizationId: orgId, key: "billing", name: "Money" }),
      "customRoles.delete": () =>
        asAdmin.customRoles.delete({ organizationId: orgId, key: "billing", reassignTo: "viewer" }),
      "setRole of the holder": () =>
        asAdmin.members.setRole({
          organizationId: orgId,
          userId: holder.userId,
          role: "viewer",
        }),
      "remove the holder": () => asAdmin.members.remove({ organizationId: orgId, userId: holder.userId }),
    };
    for (const [what, attempt] of Object.entries(escalations)) {
      expect(await failureOf(attempt()), what).toMatchObject({
        code: "FORBIDDEN",
        reason: "permission_escalation",
        details: { missing: ["license:manage"] },
      });
    }
    expect(await roleOf(orgId, holder)).toBe("billing");
    expect(await roleOf(orgId, member)).toBe("member");
    expect(await roleOf(orgId, newcomer)).toBeUndefined();
    expect(await countRows(db, "invitation")).toBe(0);
    expect(await countRows(db, "join_code")).toBe(0);
    expect((await asOwner.customRoles.list({ organizationId: orgId })).roles.at(-1)?.name).toBe("Billing");
  });

  it("a custom role with roles:manage grants and defines only what it holds", async () => {
    const { orgId, asOwner, member } = await orgWithTeam();
    await asOwner.customRoles.create({
      organizationId: orgId,
      key: "team-lead",
      name: "Team lead",
      permissions: ["members:view", "members:manage", "invitations:manage", "roles:manage", "license:view"],
    });
    const lead = await memberWithRole(asOwner, orgId, "team-lead");
    const asLead = callerFor(db, lead).organizations;
    await asLead.customRoles.create({
      organizationId: orgId,
      key: "intern",
      name: "Intern",
      permissions: ["members:view"],
    });
    expect(
      await failureOf(
        asLead.customRoles.create({ organizationId: orgId, key: "auditor", name: "A", permissions: ["audit:view"] }),
      ),
    ).toMatchObject({ reason: "permission_escalation", details: { missing: ["audit:view"] } });
    // member holds license:view: without it a lead could not even manage members. admin holds more than
    // a team lead (settings, tokens, ...), so a lead cannot make or unmake admins.
    expect(
      await failureOf(asLead.members.setRole({ organizationId: orgId, userId: member.userId, role: "admin" })),
    ).toMatchObject({ reason: "permission_escalation" });
    await asLead.members.setRole({ organizationId: orgId, userId: member.userId, role: "intern" });
    await asLead.invitations.create({ organizationId: orgId, email: "new@example.com", role: "intern" });
    expect(await roleOf(orgId, member)).toBe("intern");
    // Not the owner rule's business to relax: a lead never grants owner.
    expect(
      await failureOf(asLead.invitations.create({ organizationId: orgId, email: "x@example.com", role: "owner" })),
    ).toMatchObject({ reason: "owner_required" });
  });
});

describe("deleting a role in use", () => {
  async function supportInUse() {
    const team = await orgWithTeam();
    const { orgId, asOwner } = team;
    await asOwner.customRoles.create({ organizationId: orgId, key: "support", name: "Support", permissions: SUPPORT });
    const holder = await memberWithRole(asOwner, orgId, "support");
    const pending = await asOwner.invitations.create({
      organizationId: orgId,
      email: "p@example.com",
      role: "support",
    });
    const active = await asOwner.joinCodes.create({ organizationId: orgId, role: "support" });
    // What no longer counts: a revoked code and an answered invitation keep their role as history.
    const revoked = await asOwner.joinCodes.create({ organizationId: orgId, role: "support" });
    await asOwner.joinCodes.revoke({ organizationId: orgId, id: revoked.joinCode.id });
    const answered = await asOwner.invitations.create({
      organizationId: orgId,
      email: "r@example.com",
      role: "support",
    });
    await asOwner.invitations.revoke({ organizationId: orgId, id: answered.invitation.id });
    return { ...team, holder, pending, active, revoked };
  }

  it("is refused with 409 role_in_use and the counts, changing nothing", async () => {
    const { orgId, asOwner, holder } = await supportInUse();
    const failure = await failureOf(asOwner.customRoles.delete({ organizationId: orgId, key: "support" }));
    expect(failure).toMatchObject({
      code: "CONFLICT",
      reason: "role_in_use",
      details: { members: 1, pendingInvitations: 1, activeJoinCodes: 1, domains: 0 },
    });
    const listed = (await asOwner.customRoles.list({ organizationId: orgId })).roles.find((r) => r.key === "support");
    expect(listed?.usage).toEqual({ members: 1, pendingInvitations: 1, activeJoinCodes: 1, domains: 0 });
    expect(await roleOf(orgId, holder)).toBe("support");
  });

  it("with reassignTo moves members, pending invitations and active join codes in one transaction", async () => {
    const { orgId, asOwner, holder, pending, active, revoked } = await supportInUse();
    const result = await asOwner.customRoles.delete({ organizationId: orgId, key: "support", reassignTo: "viewer" });
    expect(result).toEqual({
      ok: true,
      reassigned: { members: 1, pendingInvitations: 1, activeJoinCodes: 1, domains: 0 },
    });
    expect(await roleOf(orgId, holder)).toBe("viewer");
    const invitations = await asOwner.invitations.list({ organizationId: orgId });
    expect(invitations.invitations.find((i) => i.id === pending.invitation.id)?.role).toBe("viewer");
    const codes = (await asOwner.joinCodes.list({ organizationId: orgId })).joinCodes;
    expect(codes.find((c) => c.id === active.joinCode.id)?.role).toBe("viewer");
    expect(codes.find((c) => c.id === revoked.joinCode.id)?.role).toBe("support");
    expect(await countRows(db, "organization_role")).toBe(0);
    const audit = await asOwner.audit.list({ organizationId: orgId });
    expect(audit.events[0]).toMatchObject({
      action: "role.deleted",
      target: { id: "support" },
      metadata: { reassignTo: "viewer", members: 1, pendingInvitations: 1, activeJoinCodes: 1 },
    });
  });

  it("refuses a reassignment the caller may not make, leaving everything as it was", async () => {
    const { orgId, asOwner, asAdmin, holder } = await supportInUse();
    await asOwner.customRoles.create({
      organizationId: orgId,
      key: "billing",
      name: "Billing",
      permissions: ["license:manage"],
    });
    const refusals = [
      [
        () => asAdmin.customRoles.delete({ organizationId: orgId, key: "support", reassignTo: "owner" }),
        "owner_required",
      ],
      [
        () => asAdmin.customRoles.delete({ organizationId: orgId, key: "support", reassignTo: "billing" }),
        "permission_escalation",
      ],
      [
        () => asOwner.customRoles.delete({ organizationId: orgId, key: "support", reassignTo: "support" }),
        "invalid_input",
      ],
    ] as const;
    for (const [attempt, reason] of refusals) expect((await failureOf(attempt())).reason).toBe(reason);
    const unknown = await failureOf(
      asOwner.customRoles.delete({ organizationId: orgId, key: "support", reassignTo: "ghost" }),
    );
    expect(unknown).toMatchObject({ reason: "invalid_input", details: { field: "reassignTo" } });
    expect(await roleOf(orgId, holder)).toBe("support");
    expect(await countRows(db, "organization_role")).toBe(2);
    expect(await countRows(db, "invitation", `role = 'support' AND status = 'pending'`)).toBe(1);
    // An admin may reassign to a role within their powers; an owner may even reassign to owner.
    await asAdmin.customRoles.delete({ organizationId: orgId, key: "support", reassignTo: "member" });
    expect(await roleOf(orgId, holder)).toBe("member");
  });
});

describe("custom roles in invitations and join codes", () => {
  it("an invitation with a custom role makes the invitee a member with that role and its powers", async () => {
    const { orgId, asOwner } = await orgWithTeam();
    await asOwner.customRoles.create({ organizationId: orgId, key: "support", name: "Support", permissions: SUPPORT });
    const invitee = await createUser(db);
    const { invitation, token } = await asOwner.invitations.create({
      organizationId: orgId,
      email: invitee.email,
      role: "support",
    });
    expect(invitation.role).toBe("support");
    const resent = await asOwner.invitations.resend({ organizationId: orgId, id: invitation.id });
    expect(resent.invitation.role).toBe("support");
    const accepted = await callerFor(db, invitee).organizations.invitations.accept({ token: resent.token });
    // The answer names the role as people see it, not by its key.
    expect(accepted).toMatchObject({ role: "support", roleName: "Support", alreadyMember: false });
    expect(await failureOf(callerFor(db, invitee).organizations.invitations.accept({ token }))).toMatchObject({
      reason: "invitation_revoked",
    });
    const asInvitee = callerFor(db, invitee).organizations;
    const got = await asInvitee.get({ organizationId: orgId });
    expect(got).toMatchObject({ role: "support", permissions: ["org:view", "members:view", "audit:view"] });
    expect((await asInvitee.members.list({ organizationId: orgId })).totalCount).toBe(5);
    expect((await asInvitee.audit.list({ organizationId: orgId })).events.length).toBeGreaterThan(0);
    expect(await failureOf(asInvitee.update({ organizationId: orgId, name: "No" }))).toMatchObject({
      reason: "permission_denied",
    });
    const listed = (await asInvitee.list()).organizations.find((o) => o.id === orgId);
    expect(listed?.role).toBe("support");
    const { membership } = await asInvitee.memberships.get({ userId: invitee.userId, organizationId: orgId });
    expect(membership.role).toBe("support");
  });

  it("a join code with a custom role admits people with that role", async () => {
    const { orgId, asOwner } = await orgWithTeam();
    await asOwner.customRoles.create({ organizationId: orgId, key: "support", name: "Support", permissions: SUPPORT });
    const { code, joinCode } = await asOwner.joinCodes.create({ organizationId: orgId, role: "support", maxUses: 2 });
    expect(joinCode.role).toBe("support");
    const joiner = await createUser(db);
    expect(await callerFor(db, joiner).organizations.joinCodes.join({ code })).toMatchObject({
      role: "support",
      roleName: "Support",
      alreadyMember: false,
    });
    // Joining again: already a member, and the role still comes with its name.
    expect(await callerFor(db, joiner).organizations.joinCodes.join({ code })).toMatchObject({
      roleName: "Support",
      alreadyMember: true,
    });
    expect(await roleOf(orgId, joiner)).toBe("support");
    expect((await callerFor(db, joiner).organizations.get({ organizationId: orgId })).permissions).toContain(
      "audit:view",
    );
  });

  it("an invitation or a code whose role was deleted with reassignTo admits with the new role", async () => {
    const { orgId, asOwner } = await orgWithTeam();
    await asOwner.customRoles.create({ organizationId: orgId, key: "support", name: "Support", permissions: SUPPORT });
    const invitee = await createUser(db);
    const { token } = await asOwner.invitations.create({
      organizationId: orgId,
      email: invitee.email,
      role: "support",
    });
    const { code } = await asOwner.joinCodes.create({ organizationId: orgId, role: "support" });
    await asOwner.customRoles.delete({ organizationId: orgId, key: "support", reassignTo: "viewer" });
    expect(await callerFor(db, invitee).organizations.invitations.accept({ token })).toMatchObject({
      role: "viewer",
      roleName: "Viewer",
    });
    const joiner = await createUser(db);
    expect((await callerFor(db, joiner).organizations.joinCodes.join({ code })).role).toBe("viewer");
    expect(await countRows(db, "membership", `role = 'support'`)).toBe(0);
  });
});

describe("a role's permissions are read on every request", () => {
  it("a member whose custom role loses a permission is refused on the next call; a gained one works at once", async () => {
    const { orgId, asOwner } = await orgWithTeam();
    await asOwner.customRoles.create({ organizationId: orgId, key: "support", name: "Support", permissions: SUPPORT });
    const holder = await memberWithRole(asOwner, orgId, "support");
    const asHolder = callerFor(db, holder).organizations;
    expect((await asHolder.members.list({ organizationId: orgId })).totalCount).toBe(5);
    expect(await failureOf(asHolder.invitations.list({ organizationId: orgId }))).toMatchObject({
      reason: "permission_denied",
    });

    await asOwner.customRoles.update({ organizationId: orgId, key: "support", permissions: ["invitations:manage"] });

    expect(await failureOf(asHolder.members.list({ organizationId: orgId }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "permission_denied",
    });
    expect(await failureOf(asHolder.audit.list({ organizationId: orgId }))).toMatchObject({
      reason: "permission_denied",
    });
    expect((await asHolder.invitations.list({ organizationId: orgId })).invitations).toEqual([]);
    expect((await asHolder.get({ organizationId: orgId })).permissions).toEqual(["org:view", "invitations:manage"]);
  });
});

describe("another organization's role keys", () => {
  it("are refused wherever a role is given, and cannot be edited or deleted from here", async () => {
    const { orgId, asOwner, owner, member } = await orgWithTeam();
    const { organization: other } = await callerFor(db, owner).organizations.create({ name: "Other" });
    await asOwner.customRoles.create({
      organizationId: other.id,
      key: "support",
      name: "Theirs",
      permissions: SUPPORT,
    });
    const newcomer = await createUser(db);
    const attempts = {
      "members.add": () => asOwner.members.add({ organizationId: orgId, email: newcomer.email, role: "support" }),
      "members.setRole": () =>
        asOwner.members.setRole({ organizationId: orgId, userId: member.userId, role: "support" }),
      "invitations.create": () =>
        asOwner.invitations.create({
          organizationId: orgId,
          email: "x@example.com",
          role: "support",
        }),
      "joinCodes.create": () => asOwner.joinCodes.create({ organizationId: orgId, role: "support" }),
    };
    for (const [what, attempt] of Object.entries(attempts)) {
      expect(await failureOf(attempt()), what).toMatchObject({
        code: "BAD_REQUEST",
        reason: "invalid_input",
        message: 'This organization has no role "support"',
        details: { field: "role" },
      });
    }
    expect(
      await failureOf(asOwner.customRoles.update({ organizationId: orgId, key: "support", name: "Mine" })),
    ).toMatchObject({ reason: "role_not_found" });
    expect(await failureOf(asOwner.customRoles.delete({ organizationId: orgId, key: "support" }))).toMatchObject({
      reason: "role_not_found",
    });
    expect(await roleOf(orgId, newcomer)).toBeUndefined();
    expect(await roleOf(orgId, member)).toBe("member");
    expect(await countRows(db, "invitation")).toBe(0);
    expect(await countRows(db, "join_code")).toBe(0);
    expect((await asOwner.customRoles.list({ organizationId: orgId })).roles).toHaveLength(4);
  });
});

describe("a role deleted while it is being given", () => {
  const ROUNDS = process.env.TEST_DB === "postgres" ? 8 : 3;

  it("never leaves a member, invitation or code with a role that no longer exists", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { orgId, asOwner, asAdmin, member } = await orgWithTeam(`Race ${round}`);
      await asOwner.customRoles.create({
        organizationId: orgId,
        key: "support",
        name: "Support",
        permissions: SUPPORT,
      });
      const results = await Promise.allSettled([
        asOwner.customRoles.delete({ organizationId: orgId, key: "support" }),
        asAdmin.members.setRole({ organizationId: orgId, userId: member.userId, role: "support" }),
        asAdmin.invitations.create({ organizationId: orgId, email: `race${round}@example.com`, role: "support" }),
        asAdmin.joinCodes.create({ organizationId: orgId, role: "support" }),
      ]);
      const [deleted, ...grants] = results;
      const roleExists = (await countRows(db, "organization_role", `"organizationId" = $1`, [orgId])) === 1;
      if (deleted!.status === "fulfilled") {
        // The delete came first: every grant after it was refused as naming an unknown role.
        expect(roleExists, `round ${round}`).toBe(false);
        for (const grant of grants) {
          expect(grant.status, `round ${round}`).toBe("rejected");
          expect((await failureOf(Promise.reject((grant as PromiseRejectedResult).reason))).details).toEqual({
            field: "role",
          });
        }
      } else {
        expect((await failureOf(Promise.reject(deleted!.reason))).reason, `round ${round}`).toBe("role_in_use");
        expect(roleExists, `round ${round}`).toBe(true);
        expect(
          grants.some((grant) => grant.status === "fulfilled"),
          `round ${round}`,
        ).toBe(true);
      }
      const dangling = await countRows(
        db,
        "membership",
        `"organizationId" = $1 AND role NOT IN ('owner', 'admin', 'member', 'viewer')
         AND role NOT IN (SELECT key FROM organization_role WHERE "organizationId" = $1)`,
        [orgId],
      );
      expect(dangling, `round ${round}`).toBe(0);
      const danglingInvitations = await countRows(
        db,
        "invitation",
        `"organizationId" = $1 AND status = 'pending' AND role NOT IN (SELECT key FROM organization_role WHERE "organizationId" = $1)`,
        [orgId],
      );
      expect(danglingInvitations, `round ${round}`).toBe(0);
    }
  });

  it("an accept racing a delete with reassignTo ends with the reassigned role or the old one, never a dangling key", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { orgId, asOwner } = await orgWithTeam(`Accept ${round}`);
      await asOwner.customRoles.create({
        organizationId: orgId,
        key: "support",
        name: "Support",
        permissions: SUPPORT,
      });
      const invitee = await createUser(db);
      const { token } = await asOwner.invitations.create({
        organizationId: orgId,
        email: invitee.email,
        role: "support",
      });
      const [accepted, deleted] = await Promise.allSettled([
        callerFor(db, invitee).organizations.invitations.accept({ token }),
        asOwner.customRoles.delete({ organizationId: orgId, key: "support", reassignTo: "viewer" }),
      ]);
      expect(accepted.status, `round ${round}`).toBe("fulfilled");
      expect(deleted.status, `round ${round}`).toBe("fulfilled");
      // Either order: the invitee ends up a viewer (accepted as support, then reassigned; or accepted after).
      expect(await roleOf(orgId, invitee), `round ${round}`).toBe("viewer");
    }
  });
});

describe("a custom role's name outside its organization", () => {
  it("organizations.list, memberships.listByUser, invitations.mine and the invitation preview carry the role's name", async () => {
    const { orgId, asOwner, owner } = await orgWithTeam();
    await asOwner.customRoles.create({ organizationId: orgId, key: "support", name: "Support", permissions: SUPPORT });
    const holder = await memberWithRole(asOwner, orgId, "support");
    const asHolder = callerFor(db, holder).organizations;
    expect((await asHolder.list({})).organizations).toEqual([
      expect.objectContaining({ id: orgId, role: "support", roleName: "Support" }),
    ]);
    expect((await asHolder.memberships.listByUser()).memberships).toEqual([
      expect.objectContaining({ role: "support", roleName: "Support", isLastOwner: false }),
    ]);
    // Built-in roles keep their catalogue names.
    expect((await callerFor(db, owner).organizations.list({})).organizations[0]).toMatchObject({
      role: "owner",
      roleName: "Owner",
    });
    expect((await callerFor(db, owner).organizations.memberships.listByUser()).memberships[0]).toMatchObject({
      role: "owner",
      roleName: "Owner",
      isLastOwner: true,
    });

    const invitee = await createUser(db);
    const { token } = await asOwner.invitations.create({
      organizationId: orgId,
      email: invitee.email,
      role: "support",
    });
    await asOwner.invitations.create({ organizationId: orgId, email: "x@example.com", role: "viewer" });
    expect((await callerFor(db, invitee).organizations.invitations.mine()).invitations).toEqual([
      expect.objectContaining({
        role: "support",
        roleName: "Support",
        organization: expect.objectContaining({ id: orgId }),
      }),
    ]);
    expect((await callerFor(db, null).organizations.invitations.preview({ token })).invitation).toMatchObject({
      role: "support",
      roleName: "Support",
      email: invitee.email,
    });

    // A renamed role shows its new name at once.
    await asOwner.customRoles.update({ organizationId: orgId, key: "support", name: "Customer support" });
    expect((await asHolder.list({})).organizations[0]?.roleName).toBe("Customer support");
    expect((await callerFor(db, invitee).organizations.invitations.mine()).invitations[0]?.roleName).toBe(
      "Customer support",
    );
  });

  it('an API token\'s organization reads as "API token"', async () => {
    const { orgId, asOwner } = await orgWithTeam();
    const { apiToken } = await asOwner.tokens.create({ organizationId: orgId, name: "ci" });
    const listed = await (await callerForBearer(db, apiToken.bearer)).organizations.list({});
    expect(listed.organizations).toEqual([expect.objectContaining({ role: "api_token", roleName: "API token" })]);
  });
});
