import { describe, expect, it } from "vitest";

import type { TransactionClient } from "@tenancy/db/client";

import {
  callerFor,
  countRows,
  createUser,
  failureOf,
  openSecondHandle,
  type TestUser,
  useTestDatabase,
} from "./harness";
import { createOperator, issueLicense, orgWithLicense } from "./licensing-fixtures";

// Joining or accepting into an organization without a seat limit decides without holding the
// membership lock; its one write statement takes it (services/seats.ts lockFreeSeat). What the
// decision rested on is re-read there, on the organization's row (lockFreeSeatGuardCte): these tests
// change it in between.

const db = useTestDatabase();

const planVersion = async (organizationId: string) =>
  (await db.prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { planVersion: true } }))
    .planVersion;

const members = (organizationId: string) => db.prisma.membership.count({ where: { organizationId } });

/** The attempts counted against a user's redeem bucket. */
async function redeemAttempts(user: TestUser): Promise<number> {
  const [row] = await db.sql.query<{ count: number }>(`SELECT "count" FROM "rate_limit_bucket" WHERE "key" = $1`, [
    `redeem:user:${user.userId}`,
  ]);
  return row?.count ?? 0;
}

describe("planVersion", () => {
  it("changes when a license is assigned, replaced, released or revoked, and only for its organization", async () => {
    const { operator, owner, organization, license } = await orgWithLicense(db, { seats: 5 });
    const { organization: other } = await callerFor(db, owner).organizations.create({ name: "Other" });
    const afterAssign = await planVersion(organization.id);
    expect(afterAssign).toBeGreaterThan(0);
    expect(await planVersion(other.id)).toBe(0);

    const { license: second } = await issueLicense(db, operator, { seats: 8 });
    await callerFor(db, operator).organizations.license.assign({
      organizationId: organization.id,
      licenseId: second.id,
    });
    const afterReplace = await planVersion(organization.id);
    expect(afterReplace).toBeGreaterThan(afterAssign);

    await callerFor(db, operator).licenses.revoke({ id: second.id });
    const afterRevoke = await planVersion(organization.id);
    expect(afterRevoke).toBeGreaterThan(afterReplace);

    await callerFor(db, operator).organizations.license.unassign({ organizationId: organization.id });
    expect(await planVersion(organization.id)).toBeGreaterThan(afterRevoke);
    // The first license, released by the replacement, is no longer this organization's business.
    const before = await planVersion(organization.id);
    await callerFor(db, operator).licenses.revoke({ id: license.id });
    expect(await planVersion(organization.id)).toBe(before);
    expect(await planVersion(other.id)).toBe(0);
  });

  it("does not change with memberships: other joins do not send a lock-free join to the lock", async () => {
    const owner = await createUser(db);
    const { organization } = await callerFor(db, owner).organizations.create({ name: "Open" });
    const { code } = await callerFor(db, owner).organizations.joinCodes.create({ organizationId: organization.id });
    for (let i = 0; i < 3; i++) await callerFor(db, await createUser(db)).organizations.joinCodes.join({ code });
    expect(await members(organization.id)).toBe(4);
    expect(await planVersion(organization.id)).toBe(0);
  });
});

describe("accepting into a plan with a seat limit", () => {
  it("10 invitees accepting at once after a downgrade to 3 free seats: exactly 3 become members", async () => {
    const { operator, owner, organization } = await orgWithLicense(db, { seats: 11 });
    const invitees = await Promise.all(Array.from({ length: 10 }, () => createUser(db)));
    const tokens: string[] = [];
    for (const invitee of invitees) {
      const { token } = await callerFor(db, owner).organizations.invitations.create({
        organizationId: organization.id,
        email: invitee.email,
      });
      tokens.push(token);
    }
    const { license: smaller } = await issueLicense(db, operator, { seats: 4 });
    await callerFor(db, operator).organizations.license.assign({
      organizationId: organization.id,
      licenseId: smaller.id,
    });
    const outcomes = await Promise.all(
      invitees.map((invitee, i) =>
        callerFor(db, invitee)
          .organizations.invitations.accept({ token: tokens[i]! })
          .then(
            () => "member",
            async (error: unknown) => (await failureOf(Promise.reject(error))).reason,
          ),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === "member")).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome === "seat_limit_reached")).toHaveLength(7);
    expect(await members(organization.id)).toBe(4);
    expect(await countRows(db, "invitation", `status = 'pending'`)).toBe(7);
  });
});

// Interleaving needs a second connection that holds the organization's row while a request runs: on
// PostgreSQL only (PGlite runs one statement at a time).
describe.skipIf(process.env.TEST_DB !== "postgres")("a change between the read and the write", () => {
  /**
   * Holds the organization's row (as the membership lock does) in a transaction of its own, runs
   * `request` until its write statement waits for that row, then runs `meanwhile` in the holding
   * transaction and commits; answers what the request settled to.
   */
  async function whileHeld<T>(
    organizationId: string,
    request: () => Promise<T>,
    meanwhile: (tx: TransactionClient) => Promise<unknown>,
  ): Promise<PromiseSettledResult<T>> {
    const holder = await openSecondHandle(db);
    try {
      let pending: Promise<PromiseSettledResult<T>[]> | undefined;
      await holder.prisma.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT "id" FROM "organization" WHERE "id" = ${organizationId} FOR NO KEY UPDATE`;
          pending = Promise.allSettled([request()]);
          await waitForLockWait();
          await meanwhile(tx);
        },
        { timeout: 30_000 },
      );
      const [settled] = await pending!;
      return settled!;
    } finally {
      await holder.close();
    }
  }

  /** Until a session of this database waits for a lock (the request's write statement). */
  async function waitForLockWait() {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const [row] = await db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (row!.n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error("the request never waited for the organization's row");
  }

  /** A membership written straight into the holding transaction, as another request would add it. */
  const insertMembership = (tx: TransactionClient, organizationId: string, userId: string, role: string) =>
    tx.$executeRaw`
      INSERT INTO "membership" ("id", "organizationId", "userId", "role", "updatedAt")
      VALUES (gen_random_uuid()::text, ${organizationId}, ${userId}, ${role}, now())`;

  /** An organization with no seat limit and `extra` members besides its owner; a full license for it. */
  async function openOrganization(extra: number) {
    const operator = await createOperator(db);
    const owner = await createUser(db);
    const { organization } = await callerFor(db, owner).organizations.create({ name: "Open" });
    for (let i = 0; i < extra; i++) {
      const user = await createUser(db);
      await callerFor(db, owner).organizations.members.add({ organizationId: organization.id, email: user.email });
    }
    const { license } = await issueLicense(db, operator, { seats: extra + 1 });
    return { owner, organization, license };
  }

  const assignMeanwhile = (organizationId: string, licenseId: string) => (tx: TransactionClient) =>
    tx.$executeRaw`INSERT INTO "license_assignment" ("organizationId", "licenseId") VALUES (${organizationId}, ${licenseId})`;

  it("a full plan assigned meanwhile refuses the acceptance: nothing written, the attempt counted once", async () => {
    const { owner, organization, license } = await openOrganization(1);
    const invitee = await createUser(db);
    const { invitation, token } = await callerFor(db, owner).organizations.invitations.create({
      organizationId: organization.id,
      email: invitee.email,
    });
    const settled = await whileHeld(
      organization.id,
      () => failureOf(callerFor(db, invitee).organizations.invitations.accept({ token })),
      assignMeanwhile(organization.id, license.id),
    );
    expect(settled).toMatchObject({ status: "fulfilled", value: { reason: "seat_limit_reached" } });
    expect(await members(organization.id)).toBe(2);
    expect(await db.prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).toMatchObject({
      status: "pending",
    });
    expect(await countRows(db, "audit_event", `action = 'invitation.accepted'`)).toBe(0);
    expect(await redeemAttempts(invitee)).toBe(1);
  });

  it("a full plan assigned meanwhile refuses the join: no use counted, the attempt counted once", async () => {
    const { owner, organization, license } = await openOrganization(1);
    const { code, joinCode } = await callerFor(db, owner).organizations.joinCodes.create({
      organizationId: organization.id,
    });
    const joiner = await createUser(db);
    const settled = await whileHeld(
      organization.id,
      () => failureOf(callerFor(db, joiner).organizations.joinCodes.join({ code })),
      assignMeanwhile(organization.id, license.id),
    );
    expect(settled).toMatchObject({ status: "fulfilled", value: { reason: "seat_limit_reached" } });
    expect(await members(organization.id)).toBe(2);
    expect(await db.prisma.joinCode.findUniqueOrThrow({ where: { id: joinCode.id } })).toMatchObject({ uses: 0 });
    expect(await redeemAttempts(joiner)).toBe(1);
  });

  it("an organization deactivated meanwhile refuses the join as inactive", async () => {
    const { owner, organization } = await openOrganization(0);
    const { code } = await callerFor(db, owner).organizations.joinCodes.create({ organizationId: organization.id });
    const joiner = await createUser(db);
    const settled = await whileHeld(
      organization.id,
      () => failureOf(callerFor(db, joiner).organizations.joinCodes.join({ code })),
      (tx) => tx.$executeRaw`UPDATE "organization" SET "active" = false WHERE "id" = ${organization.id}`,
    );
    expect(settled).toMatchObject({ status: "fulfilled", value: { reason: "organization_inactive" } });
    expect(await members(organization.id)).toBe(1);
    expect(await redeemAttempts(joiner)).toBe(1);
  });

  it("made a member meanwhile, the invitee's acceptance keeps their role: one membership, counted once", async () => {
    const { owner, organization } = await openOrganization(0);
    const invitee = await createUser(db);
    const { invitation, token } = await callerFor(db, owner).organizations.invitations.create({
      organizationId: organization.id,
      email: invitee.email,
      role: "admin",
    });
    const settled = await whileHeld(
      organization.id,
      () => callerFor(db, invitee).organizations.invitations.accept({ token }),
      (tx) => insertMembership(tx, organization.id, invitee.userId, "viewer"),
    );
    // The write failed on the membership's unique key and changed nothing; under the lock the
    // acceptance then saw the membership.
    expect(settled).toMatchObject({
      status: "fulfilled",
      value: { organizationId: organization.id, role: "viewer", alreadyMember: true },
    });
    expect(await members(organization.id)).toBe(2);
    expect(await db.prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).toMatchObject({
      status: "accepted",
    });
    expect(await countRows(db, "audit_event", `action = 'invitation.accepted'`)).toBe(1);
    expect(await redeemAttempts(invitee)).toBe(1);
  });

  it("with the plan unchanged, a join that waited for the row goes ahead", async () => {
    const { owner, organization } = await openOrganization(0);
    const { code } = await callerFor(db, owner).organizations.joinCodes.create({ organizationId: organization.id });
    const joiner = await createUser(db);
    const settled = await whileHeld(
      organization.id,
      () => callerFor(db, joiner).organizations.joinCodes.join({ code }),
      // Another member joins meanwhile: the member count changes, the plan does not.
      async (tx) => {
        const other = await createUser(db);
        await insertMembership(tx, organization.id, other.userId, "member");
      },
    );
    expect(settled).toMatchObject({ status: "fulfilled", value: { alreadyMember: false, role: "member" } });
    expect(await members(organization.id)).toBe(3);
    expect(await redeemAttempts(joiner)).toBe(1);
  });
  it("the last seat taken meanwhile refuses the acceptance with seat_limit_reached, the invitation kept", async () => {
    const { owner, organization } = await orgWithLicense(db, { seats: 2 });
    const invitee = await createUser(db);
    const { invitation, token } = await callerFor(db, owner).organizations.invitations.create({
      organizationId: organization.id,
      email: invitee.email,
    });
    const other = await createUser(db);
    const settled = await whileHeld(
      organization.id,
      () => failureOf(callerFor(db, invitee).organizations.invitations.accept({ token })),
      (tx) => insertMembership(tx, organization.id, other.userId, "member"),
    );
    expect(settled).toMatchObject({
      status: "fulfilled",
      value: { reason: "seat_limit_reached", details: { limit: 2, members: 2 } },
    });
    expect(await members(organization.id)).toBe(2);
    expect(await db.prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).toMatchObject({
      status: "pending",
    });
    expect(await redeemAttempts(invitee)).toBe(1);
  });
  /** A pending invitation written straight into the database (reserving a seat, unless to a member). */
  const pendingInvitation = (organizationId: string, email: string) => (tx: TransactionClient) =>
    tx.$executeRaw`
      INSERT INTO "invitation" ("id", "organizationId", "email", "role", "tokenHash", "status", "pendingEmail", "expiresAt")
      VALUES (gen_random_uuid()::text, ${organizationId}, ${email}, 'member', md5(random()::text), 'pending', ${email},
              now() + interval '7 days')`;

  it("a seat reserved meanwhile refuses a join under a seat limit: the join's count of reservations is re-checked", async () => {
    const { owner, organization } = await orgWithLicense(db, { seats: 2 });
    const { code, joinCode } = await callerFor(db, owner).organizations.joinCodes.create({
      organizationId: organization.id,
    });
    const joiner = await createUser(db);
    const settled = await whileHeld(
      organization.id,
      () => failureOf(callerFor(db, joiner).organizations.joinCodes.join({ code })),
      pendingInvitation(organization.id, "promised@example.com"),
    );
    expect(settled).toMatchObject({
      status: "fulfilled",
      value: { reason: "seat_limit_reached", details: { limit: 2, members: 1, reserved: 1 } },
    });
    expect(await members(organization.id)).toBe(1);
    expect(await db.prisma.joinCode.findUniqueOrThrow({ where: { id: joinCode.id } })).toMatchObject({ uses: 0 });
    expect(await redeemAttempts(joiner)).toBe(1);
  });

  it("a member with a pending invitation removed meanwhile: their invitation reserves the seat again", async () => {
    const { owner, organization } = await orgWithLicense(db, { seats: 3 });
    const leaver = await createUser(db);
    await callerFor(db, owner).organizations.members.add({ organizationId: organization.id, email: leaver.email });
    // An invitation to a member reserves nothing: 2 members + the joiner fit 3 seats when the join reads.
    await db.prisma.$transaction((tx) => pendingInvitation(organization.id, leaver.email)(tx));
    const { code } = await callerFor(db, owner).organizations.joinCodes.create({ organizationId: organization.id });
    const joiner = await createUser(db);
    const newcomer = await createUser(db);
    const settled = await whileHeld(
      organization.id,
      () => failureOf(callerFor(db, joiner).organizations.joinCodes.join({ code })),
      async (tx) => {
        // The leaver goes (their invitation now holds a seat) and someone else comes in: the member count
        // is what it was, but the seats taken are one more.
        await tx.$executeRaw`DELETE FROM "membership" WHERE "organizationId" = ${organization.id} AND "userId" = ${leaver.userId}`;
        await insertMembership(tx, organization.id, newcomer.userId, "member");
      },
    );
    expect(settled).toMatchObject({
      status: "fulfilled",
      value: { reason: "seat_limit_reached", details: { limit: 3, members: 2, reserved: 1 } },
    });
    expect(await members(organization.id)).toBe(2);
  });

  it("with seats to spare, a join under a seat limit that waited for the row goes ahead", async () => {
    const { owner, organization } = await orgWithLicense(db, { seats: 4 });
    const { code } = await callerFor(db, owner).organizations.joinCodes.create({ organizationId: organization.id });
    const joiner = await createUser(db);
    const settled = await whileHeld(
      organization.id,
      () => callerFor(db, joiner).organizations.joinCodes.join({ code }),
      pendingInvitation(organization.id, "promised@example.com"),
    );
    // 1 member + 1 reserved + the joiner = 3 of 4: the lock path admits it (the reservation was new).
    expect(settled).toMatchObject({ status: "fulfilled", value: { alreadyMember: false } });
    expect(await members(organization.id)).toBe(2);
    expect(await redeemAttempts(joiner)).toBe(1);
  });
});
