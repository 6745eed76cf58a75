import { describe, expect, it } from "vitest";

import { callerFor, createUser, useTestDatabase } from "./harness";

const db = useTestDatabase();

describe("smoke", () => {
  it("creates an org, invites, accepts, joins with a code", async () => {
    const alice = await createUser(db, { name: "Alice", email: "alice@example.com" });
    const bob = await createUser(db, { name: "Bob", email: "Bob@Example.com" });
    const carol = await createUser(db, { name: "Carol" });
    const asAlice = callerFor(db, alice);
    const { organization } = await asAlice.organizations.create({ name: "Acme Inc." });
    expect(organization.handle).toBe("acme-inc");
    const invite = await asAlice.organizations.invitations.create({
      organizationId: "acme-inc",
      email: "BOB@example.com",
      role: "admin",
    });
    expect(invite.acceptUrl).toBe(`http://tenancy.test/invite/${invite.token}`);
    const preview = await callerFor(db, null).organizations.invitations.preview({ token: invite.token });
    expect(preview.invitation.organization.name).toBe("Acme Inc.");
    const accepted = await callerFor(db, bob).organizations.invitations.accept({ token: invite.token });
    expect(accepted).toEqual({
      organizationId: organization.id,
      organization: { id: organization.id, handle: organization.handle, name: "Acme Inc." },
      role: "admin",
      roleName: "Admin",
      alreadyMember: false,
    });
    await expect(callerFor(db, bob).organizations.invitations.accept({ token: invite.token })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    const { code } = await asAlice.organizations.joinCodes.create({ organizationId: organization.id, maxUses: 1 });
    const joined = await callerFor(db, carol).organizations.joinCodes.join({ code: code.toLowerCase() });
    expect(joined.alreadyMember).toBe(false);
    const members = await asAlice.organizations.members.list({ organizationId: organization.id });
    expect(members.members.map((m) => m.name)).toEqual(["Alice", "Bob", "Carol"]);
    const list = await asAlice.organizations.invitations.list({
      organizationId: organization.id,
      filterField: "email",
      filter: "*@example.com",
    });
    expect(list.invitations).toHaveLength(0);
    await expect(
      asAlice.organizations.members.setRole({ organizationId: organization.id, userId: alice.userId, role: "member" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    const audit = await asAlice.organizations.audit.list({ organizationId: organization.id });
    expect(audit.events.map((e) => e.action)).toEqual([
      "join_code.redeemed",
      "join_code.created",
      "invitation.accepted",
      "invitation.created",
      "organization.created",
    ]);
    const token = await asAlice.organizations.tokens.create({ organizationId: organization.id, name: "ci" });
    expect(token.apiToken.bearer).toBe(`${token.apiToken.key}:${token.apiToken.secret}`);
  });
});
