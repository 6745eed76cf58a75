import { describe, expect, it } from "vitest";

import {
  callerFor,
  callerForBearer,
  countRows,
  createOrganizationWithRoles,
  createUser,
  failureOf,
  useTestDatabase,
} from "./harness";

const db = useTestDatabase();

/** An organization with an invitation, a join code and an API token made while active, then deactivated by its owner. */
async function inactiveOrganization() {
  const fixture = await createOrganizationWithRoles(db);
  const { organization, owner } = fixture;
  const asOwner = callerFor(db, owner);
  const invitee = await createUser(db, { name: "Invitee" });
  const joiner = await createUser(db, { name: "Joiner" });
  const outsider = await createUser(db, { name: "Outsider" });
  const invitation = await asOwner.organizations.invitations.create({
    organizationId: organization.id,
    email: invitee.email,
  });
  const { code } = await asOwner.organizations.joinCodes.create({ organizationId: organization.id });
  const { apiToken } = await asOwner.organizations.tokens.create({ organizationId: organization.id, name: "ci" });
  const deactivated = await asOwner.organizations.update({ organizationId: organization.id, active: false });
  expect(deactivated.organization.active).toBe(false);
  return { ...fixture, asOwner, invitee, joiner, outsider, invitationToken: invitation.token, code, apiToken };
}

async function membershipSnapshot(): Promise<string> {
  return JSON.stringify(await db.sql.query(`SELECT "organizationId", "userId", role FROM membership ORDER BY id`));
}

describe("an inactive organization", () => {
  it("refuses every membership-changing mutation with FORBIDDEN organization_inactive, changing nothing", async () => {
    const { organization, owner, admin, member, asOwner, invitee, joiner, outsider, invitationToken, code } =
      await inactiveOrganization();
    const orgId = organization.id;
    const asAdmin = callerFor(db, admin);
    const refusals: [string, () => Promise<unknown>][] = [
      ["members.add", () => asOwner.organizations.members.add({ organizationId: orgId, email: outsider.email })],
      [
        "members.add by admin",
        () => asAdmin.organizations.members.add({ organizationId: orgId, email: outsider.email, role: "viewer" }),
      ],
      ["members.remove", () => asOwner.organizations.members.remove({ organizationId: orgId, userId: member.userId })],
      [
        "members.setRole",
        () => asOwner.organizations.members.setRole({ organizationId: orgId, userId: member.userId, role: "admin" }),
      ],
      [
        "invitations.create",
        () => asOwner.organizations.invitations.create({ organizationId: orgId, email: outsider.email }),
      ],
      ["joinCodes.create", () => asAdmin.organizations.joinCodes.create({ organizationId: orgId })],
      ["tokens.create", () => asOwner.organizations.tokens.create({ organizationId: orgId })],
      ["joinCodes.join", () => callerFor(db, joiner).organizations.joinCodes.join({ code })],
      ["invitations.accept", () => callerFor(db, invitee).organizations.invitations.accept({ token: invitationToken })],
    ];
    const membershipsBefore = await membershipSnapshot();
    const auditBefore = await countRows(db, "audit_event");
    const tokensBefore = await countRows(db, "api_token");
    const codesBefore = await countRows(db, "join_code");
    const invitationsBefore = await countRows(db, "invitation");
    for (const [label, refused] of refusals) {
      expect(await failureOf(refused()), label).toMatchObject({ code: "FORBIDDEN", reason: "organization_inactive" });
    }
    expect(await membershipSnapshot()).toBe(membershipsBefore);
    expect(await countRows(db, "audit_event")).toBe(auditBefore);
    expect(await countRows(db, "api_token")).toBe(tokensBefore);
    expect(await countRows(db, "join_code")).toBe(codesBefore);
    expect(await countRows(db, "invitation")).toBe(invitationsBefore);
    expect(await countRows(db, "invitation", `status = 'pending'`)).toBe(1);
    // The invitee and the joiner did not become members.
    for (const user of [invitee, joiner]) {
      expect(await failureOf(callerFor(db, user).organizations.get({ organizationId: orgId }))).toMatchObject({
        code: "NOT_FOUND",
      });
    }
    // It is still there, and still inactive.
    const got = await asOwner.organizations.get({ organizationId: orgId });
    expect(got).toMatchObject({ role: "owner", memberCount: 4, organization: { active: false } });
    expect(owner.userId).not.toBe(admin.userId);
  });

  it("refuses its API tokens", async () => {
    const { organization, apiToken } = await inactiveOrganization();
    const asToken = await callerForBearer(db, apiToken.bearer);
    const ref = { organizationId: organization.id };
    for (const [label, call] of [
      ["get", () => asToken.organizations.get(ref)],
      ["members.list", () => asToken.organizations.members.list(ref)],
      ["audit.list", () => asToken.organizations.audit.list(ref)],
      ["update", () => asToken.organizations.update({ ...ref, name: "Changed by a token" })],
      ["reactivate", () => asToken.organizations.update({ ...ref, active: true })],
      ["list", () => asToken.organizations.list()],
    ] as const) {
      const failure = await failureOf(call());
      expect(failure.code, label).toBe("FORBIDDEN");
      expect(failure.reason, label).toBe("organization_inactive");
    }
    const stored = await db.sql.query<{ name: string; active: boolean }>(`SELECT name, active FROM organization`);
    expect(stored).toEqual([{ name: "Acme", active: false }]);
  });

  it("can still be read by its members", async () => {
    const { organization, owner, admin, member, viewer } = await inactiveOrganization();
    for (const user of [owner, admin, member, viewer]) {
      const got = await callerFor(db, user).organizations.get({ organizationId: organization.handle });
      expect(got.organization.active).toBe(false);
      expect(got.memberCount).toBe(4);
    }
    expect(
      (await callerFor(db, member).organizations.members.list({ organizationId: organization.id })).totalCount,
    ).toBe(4);
    const audit = await callerFor(db, admin).organizations.audit.list({ organizationId: organization.id, limit: 1 });
    expect(audit.events[0]).toMatchObject({ action: "organization.updated", metadata: { active: false } });
    const listed = await callerFor(db, viewer).organizations.list();
    expect(listed.organizations.map((o) => [o.id, o.active])).toEqual([[organization.id, false]]);
    expect((await callerFor(db, viewer).organizations.list({ activeOnly: true })).organizations).toEqual([]);
  });

  it("still lets an owner revoke its API tokens", async () => {
    const { organization, asOwner, apiToken } = await inactiveOrganization();
    await asOwner.organizations.tokens.revoke({ organizationId: organization.id, id: apiToken.id });
    expect(await countRows(db, "api_token", `"revokedAt" IS NOT NULL`)).toBe(1);
  });

  it("is writable again once reactivated with update {active: true}", async () => {
    const { organization, admin, member, outsider, invitee, joiner, invitationToken, code, apiToken } =
      await inactiveOrganization();
    const asAdmin = callerFor(db, admin);
    const reactivated = await asAdmin.organizations.update({ organizationId: organization.id, active: true });
    expect(reactivated.organization.active).toBe(true);

    await asAdmin.organizations.members.add({ organizationId: organization.id, email: outsider.email });
    await asAdmin.organizations.members.setRole({
      organizationId: organization.id,
      userId: member.userId,
      role: "viewer",
    });
    expect(await callerFor(db, invitee).organizations.invitations.accept({ token: invitationToken })).toMatchObject({
      alreadyMember: false,
    });
    expect(await callerFor(db, joiner).organizations.joinCodes.join({ code })).toMatchObject({ alreadyMember: false });
    const asToken = await callerForBearer(db, apiToken.bearer);
    expect((await asToken.organizations.get({ organizationId: organization.id })).organization.active).toBe(true);
    expect((await asToken.organizations.members.list({ organizationId: organization.id })).totalCount).toBe(7);
    expect(
      (await callerFor(db, admin).organizations.list({ activeOnly: true })).organizations.map((o) => o.id),
    ).toEqual([organization.id]);
  });

  it("can be deactivated only by someone with org:manage", async () => {
    const { organization, owner, member } = await createOrganizationWithRoles(db);
    const failure = await failureOf(
      callerFor(db, member).organizations.update({ organizationId: organization.id, active: false }),
    );
    expect(failure).toMatchObject({ code: "FORBIDDEN", reason: "permission_denied" });
    expect(
      (await callerFor(db, owner).organizations.get({ organizationId: organization.id })).organization.active,
    ).toBe(true);
  });
});
