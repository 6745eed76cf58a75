import { describe, expect, it } from "vitest";

import { callerFor, countRows, createUser, failureOf, testConfig, useTestDatabase } from "./harness";
import { createOperator, expireLicense, issueLicense, orgWithLicense } from "./licensing-fixtures";

// Seats: one rule (services/seats.ts assertSeatAvailable), checked under the organization's membership
// lock by members.add, invitations.create, invitations.accept and joinCodes.join.

const db = useTestDatabase();

async function members(organizationId: string) {
  return db.prisma.membership.count({ where: { organizationId } });
}

async function invite(inviter: Parameters<typeof callerFor>[1], organizationId: string, email: string) {
  return callerFor(db, inviter).organizations.invitations.create({ organizationId, email });
}

describe("the seat limit", () => {
  it("refuses members.add past the limit with 402 seat_limit_reached, naming the plan and who to ask", async () => {
    const { owner, organization } = await orgWithLicense(db, { seats: 2 });
    const second = await createUser(db);
    const third = await createUser(db);
    await callerFor(db, owner).organizations.members.add({ organizationId: organization.id, email: second.email });
    const refused = await failureOf(
      callerFor(db, owner).organizations.members.add({ organizationId: organization.id, email: third.email }),
    );
    expect(refused).toMatchObject({
      code: "PAYMENT_REQUIRED",
      reason: "seat_limit_reached",
      details: { limit: 2, members: 2, reserved: 0 },
    });
    expect(refused.message).toMatch(/all 2 seats/);
    expect(refused.message).toMatch(/owner/i);
    expect(await members(organization.id)).toBe(2);
    // An existing member is still "already a member", not a seat problem.
    expect(
      await failureOf(
        callerFor(db, owner).organizations.members.add({ organizationId: organization.id, email: second.email }),
      ),
    ).toMatchObject({ reason: "already_member" });
  });

  it("counts pending invitations as reserved seats: invitations, codes and adds cannot take them", async () => {
    const { owner, organization } = await orgWithLicense(db, { seats: 3 });
    await invite(owner, organization.id, "a@example.com");
    await invite(owner, organization.id, "b@example.com");
    // 1 member + 2 reserved = 3: full.
    expect(await failureOf(invite(owner, organization.id, "c@example.com"))).toMatchObject({
      reason: "seat_limit_reached",
      details: { members: 1, reserved: 2, limit: 3 },
    });
    // Inviting the same address again keeps its one seat (the old link is replaced).
    await invite(owner, organization.id, "a@example.com");
    const outsider = await createUser(db);
    expect(
      await failureOf(
        callerFor(db, owner).organizations.members.add({ organizationId: organization.id, email: outsider.email }),
      ),
    ).toMatchObject({ reason: "seat_limit_reached" });
    const { code } = await callerFor(db, owner).organizations.joinCodes.create({ organizationId: organization.id });
    expect(await failureOf(callerFor(db, outsider).organizations.joinCodes.join({ code }))).toMatchObject({
      code: "PAYMENT_REQUIRED",
      reason: "seat_limit_reached",
    });
    // Nothing was written by the refusals: no membership, no use of the code, no invitation, no event.
    expect(await members(organization.id)).toBe(1);
    expect(await countRows(db, "join_code", `uses > 0`)).toBe(0);
    expect(await countRows(db, "invitation", `email = 'c@example.com'`)).toBe(0);
    expect(await countRows(db, "audit_event", `action = 'join_code.redeemed'`)).toBe(0);

    // Revoking an invitation frees its seat.
    const { invitations } = await callerFor(db, owner).organizations.invitations.list({
      organizationId: organization.id,
    });
    await callerFor(db, owner).organizations.invitations.revoke({
      organizationId: organization.id,
      id: invitations.find((i) => i.email === "b@example.com")!.id,
    });
    await callerFor(db, outsider).organizations.joinCodes.join({ code });
    expect(await members(organization.id)).toBe(2);
  });

  it("does not count expired invitations, nor invitations to people who are already members", async () => {
    const { owner, organization } = await orgWithLicense(db, { seats: 3 });
    const invitee = await createUser(db);
    await invite(owner, organization.id, "stale@example.com");
    await db.prisma.invitation.updateMany({
      where: { email: "stale@example.com" },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await invite(owner, organization.id, invitee.email);
    // invitee joins with a code instead of accepting: the seat their invitation held is the one they take.
    const { code } = await callerFor(db, owner).organizations.joinCodes.create({ organizationId: organization.id });
    await callerFor(db, invitee).organizations.joinCodes.join({ code });
    const license = await callerFor(db, owner).organizations.license.get({ organizationId: organization.id });
    expect(license.seats).toEqual({ members: 2, reserved: 0, limit: 3, available: 1 });
    await invite(owner, organization.id, "third@example.com");
  });

  it("lets an invitee accept into the seat their invitation holds; after a downgrade, first come first served", async () => {
    const { operator, owner, organization, license } = await orgWithLicense(db, { seats: 3 });
    const [a, b] = [await createUser(db), await createUser(db)];
    const first = await invite(owner, organization.id, a.email);
    const second = await invite(owner, organization.id, b.email);
    // Full (1 member + 2 reserved), yet each invitee can take the seat held for them.
    await callerFor(db, a).organizations.invitations.accept({ token: first.token });
    expect(await members(organization.id)).toBe(2);

    // The license is replaced by a smaller one: 2 seats, both taken by members.
    const { license: smaller } = await issueLicense(db, operator, { seats: 2 });
    await callerFor(db, operator).organizations.license.assign({
      organizationId: organization.id,
      licenseId: smaller.id,
    });
    expect(license.id).not.toBe(smaller.id);
    const refused = await failureOf(callerFor(db, b).organizations.invitations.accept({ token: second.token }));
    expect(refused).toMatchObject({ code: "PAYMENT_REQUIRED", reason: "seat_limit_reached" });
    // Refused, the invitation is still pending (it can be accepted once a seat is free).
    expect((await db.prisma.invitation.findUniqueOrThrow({ where: { id: second.invitation.id } })).status).toBe(
      "pending",
    );
    await callerFor(db, owner).organizations.members.remove({ organizationId: organization.id, userId: a.userId });
    await callerFor(db, b).organizations.invitations.accept({ token: second.token });
    expect(await members(organization.id)).toBe(2);
  });

  it("falls back to the free plan's seats when the license expires or is revoked, or without one", async () => {
    const config = { licensing: { ...testConfig.licensing, freePlan: { ...testConfig.licensing.freePlan, seats: 2 } } };
    const { operator, owner, organization, license } = await orgWithLicense(db, { seats: 10 });
    const asOwner = callerFor(db, owner, { config });
    const people = [await createUser(db), await createUser(db), await createUser(db)];
    await asOwner.organizations.members.add({ organizationId: organization.id, email: people[0]!.email });
    await asOwner.organizations.members.add({ organizationId: organization.id, email: people[1]!.email });
    expect(await members(organization.id)).toBe(3);

    await expireLicense(db, license.id);
    const expired = await asOwner.organizations.license.get({ organizationId: organization.id });
    expect(expired).toMatchObject({
      plan: { key: "free", builtIn: true },
      limits: { seats: 2 },
      seats: { members: 3, limit: 2, available: 0 },
      license: { id: license.id, status: "expired" },
    });
    // The organization keeps working (its three members stay); a new seat follows the free limit.
    expect(
      await failureOf(asOwner.organizations.members.add({ organizationId: organization.id, email: people[2]!.email })),
    ).toMatchObject({ reason: "seat_limit_reached", details: { plan: "free", limit: 2 } });

    // Revoked: the same.
    const { license: fresh } = await issueLicense(db, operator, { seats: 10 });
    await callerFor(db, operator).organizations.license.assign({
      organizationId: organization.id,
      licenseId: fresh.id,
    });
    await asOwner.organizations.members.add({ organizationId: organization.id, email: people[2]!.email });
    await callerFor(db, operator).licenses.revoke({ id: fresh.id });
    const outsider = await createUser(db);
    expect(
      await failureOf(asOwner.organizations.members.add({ organizationId: organization.id, email: outsider.email })),
    ).toMatchObject({ reason: "seat_limit_reached", details: { plan: "free" } });

    // No license at all.
    const lonely = await createUser(db);
    const { organization: unlicensed } = await callerFor(db, lonely, { config }).organizations.create({ name: "Free" });
    await callerFor(db, lonely, { config }).organizations.members.add({
      organizationId: unlicensed.id,
      email: outsider.email,
    });
    expect(
      await failureOf(
        callerFor(db, lonely, { config }).organizations.invitations.create({
          organizationId: unlicensed.id,
          email: "x@example.com",
        }),
      ),
    ).toMatchObject({ reason: "seat_limit_reached", details: { plan: "free", limit: 2, members: 2 } });
  });

  it("is unlimited by default on the free plan, and with an unlimited license", async () => {
    const owner = await createUser(db);
    const { organization } = await callerFor(db, owner).organizations.create({ name: "Open" });
    for (let i = 0; i < 4; i++) await invite(owner, organization.id, `p${i}@example.com`);
    const { owner: licensedOwner, organization: unlimited } = await orgWithLicense(db, { seats: null }, "Unlimited");
    for (let i = 0; i < 4; i++) await invite(licensedOwner, unlimited.id, `q${i}@example.com`);
    const license = await callerFor(db, licensedOwner).organizations.license.get({ organizationId: unlimited.id });
    expect(license.seats).toEqual({ members: 1, reserved: 4, limit: null, available: null });
  });
});

describe("the seat limit under concurrency", () => {
  const ROUNDS = process.env.TEST_DB === "postgres" ? 3 : 1;

  it("20 users joining a 5-seat organization at once: exactly the 4 free places are taken", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { owner, organization } = await orgWithLicense(db, { seats: 5 }, `Crowded ${round}`);
      const { code } = await callerFor(db, owner).organizations.joinCodes.create({ organizationId: organization.id });
      const joiners = await Promise.all(Array.from({ length: 20 }, () => createUser(db)));
      const results = await Promise.allSettled(
        joiners.map((user) => callerFor(db, user).organizations.joinCodes.join({ code })),
      );
      const admitted = results.filter((r) => r.status === "fulfilled");
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(admitted).toHaveLength(4);
      expect(refused).toHaveLength(16);
      for (const r of refused)
        expect((r.reason as { cause?: { reason?: string } }).cause?.reason).toBe("seat_limit_reached");
      expect(await members(organization.id)).toBe(5);
      expect(
        await countRows(db, "audit_event", `"organizationId" = $1 AND action = 'join_code.redeemed'`, [
          organization.id,
        ]),
      ).toBe(4);
    }
  });

  it("invitations, adds and joins racing for the last seats never overfill the organization", async () => {
    const { owner, organization } = await orgWithLicense(db, { seats: 4 });
    const { code } = await callerFor(db, owner).organizations.joinCodes.create({ organizationId: organization.id });
    const users = await Promise.all(Array.from({ length: 12 }, () => createUser(db)));
    const attempts = users.map((user, i) => {
      if (i % 3 === 0) return callerFor(db, user).organizations.joinCodes.join({ code });
      if (i % 3 === 1)
        return callerFor(db, owner).organizations.members.add({ organizationId: organization.id, email: user.email });
      return invite(owner, organization.id, user.email);
    });
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const license = await callerFor(db, owner).organizations.license.get({ organizationId: organization.id });
    expect(license.seats.members + license.seats.reserved).toBe(4);
  });
});

describe("operators are not seats", () => {
  it("an operator assigning a license does not become a member", async () => {
    const operator = await createOperator(db);
    const { organization } = await orgWithLicense(db, { seats: 1 });
    expect(
      await db.prisma.membership.count({ where: { organizationId: organization.id, userId: operator.userId } }),
    ).toBe(0);
  });
});
