import { describe, expect, it } from "vitest";

import { appRouter } from "../src/root";
import { rejectsNulCharacters } from "../src/trpc";
import {
  callerFor,
  createOrganizationWithRoles,
  createUser,
  failureOf,
  type TestUser,
  useTestDatabase,
} from "./harness";

// Input that would otherwise reach PostgreSQL and fail there (a 500 with a stack trace in the log).

const db = useTestDatabase();

const NUL = "\u0000";

async function expectNulRefused(call: Promise<unknown>, field: string) {
  const failure = await failureOf(call);
  expect(failure, field).toMatchObject({ code: "BAD_REQUEST", reason: "invalid_input", message: "Invalid input" });
  expect(failure.fieldErrors?.[field], field).toEqual([expect.stringMatching(/NUL/)]);
}

describe("a NUL character in any string input", () => {
  it("is 400 invalid_input with the field, wherever it is (each reproduction from the report)", async () => {
    const { organization, owner, viewer } = await createOrganizationWithRoles(db);
    const outsider = await createUser(db);
    const orgId = organization.id;
    const asOwner = callerFor(db, owner).organizations;
    const cases: [string, Promise<unknown>][] = [
      ["name", asOwner.create({ name: `Ev${NUL}il` })],
      ["description", asOwner.update({ organizationId: orgId, description: `a${NUL}b` })],
      ["message", asOwner.invitations.create({ organizationId: orgId, email: "x@example.com", message: NUL })],
      ["search", asOwner.members.list({ organizationId: orgId, search: `a${NUL}` })],
      ["filter", asOwner.invitations.list({ organizationId: orgId, filterField: "email", filter: `*${NUL}*` })],
      ["organizationId", callerFor(db, outsider).organizations.get({ organizationId: `acme${NUL}` })],
      ["name", asOwner.tokens.create({ organizationId: orgId, name: `to${NUL}ken` })],
      ["userId", asOwner.members.remove({ organizationId: orgId, userId: `${viewer.userId}${NUL}` })],
      ["userId", asOwner.members.setRole({ organizationId: orgId, userId: NUL, role: "admin" })],
      ["handle", asOwner.handleAvailability({ handle: `ac${NUL}me` })],
      ["cursor", asOwner.members.list({ organizationId: orgId, cursor: NUL })],
      ["cursor", asOwner.invitations.list({ organizationId: orgId, cursor: NUL })],
      ["cursor", asOwner.audit.list({ organizationId: orgId, cursor: NUL })],
      ["code", callerFor(db, outsider).organizations.joinCodes.join({ code: `ABCDE-${NUL}FGHI` })],
      ["token", callerFor(db, null).organizations.invitations.preview({ token: `${"x".repeat(20)}${NUL}` })],
      ["membershipId", asOwner.memberships.get({ membershipId: NUL })],
      ["id", asOwner.invitations.revoke({ organizationId: orgId, id: NUL })],
      ["id", asOwner.joinCodes.revoke({ organizationId: orgId, id: NUL })],
    ];
    for (const [field, call] of cases) await expectNulRefused(call, field);
    // Nothing was written by any of them.
    expect(await db.prisma.organization.count()).toBe(1);
    expect(await db.prisma.invitation.count()).toBe(0);
    expect(await db.prisma.apiToken.count()).toBe(0);
  });

  it("is refused for every procedure of the router, by construction (one guard on the base procedure)", async () => {
    const user: TestUser = await createUser(db);
    const procedures = Object.entries(appRouter._def.procedures) as unknown as [
      string,
      Parameters<typeof rejectsNulCharacters>[0],
    ][];
    expect(procedures.length).toBeGreaterThan(25);
    for (const [path, procedure] of procedures) {
      expect(rejectsNulCharacters(procedure), `${path} is not built on publicProcedure`).toBe(true);
    }
    // And it holds when called: any input holding a NUL, even in a field the procedure does not know.
    for (const [path] of procedures) {
      for (const actor of [user, null]) {
        const call = path
          .split(".")
          .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], callerFor(db, actor)) as (
          input: unknown,
        ) => Promise<unknown>;
        await expectNulRefused(call({ probe: `x${NUL}`, nested: { fine: "ok" } }), "probe");
      }
    }
  });

  it("is found in nested values, arrays and keys, and reported per top-level field", async () => {
    const owner = await createUser(db);
    const failure = await failureOf(
      callerFor(db, owner).organizations.create({
        name: "Fine",
        extra: [{ deep: ["ok", `b${NUL}`] }],
        [`ke${NUL}y`]: 1,
      } as never),
    );
    expect(failure).toMatchObject({ code: "BAD_REQUEST", reason: "invalid_input" });
    expect(Object.keys(failure.fieldErrors ?? {}).sort()).toEqual(["extra", `ke${NUL}y`].sort());
  });
});

describe("members.list search", () => {
  it("matches % and _ literally (they are not wildcards)", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const percent = await createUser(db, { name: "Ninety 100% Sure" });
    const underscore = await createUser(db, { name: "snake_case Sam" });
    const backslash = await createUser(db, { name: "Back\\slash Bo" });
    for (const user of [percent, underscore, backslash]) {
      await callerFor(db, owner).organizations.members.add({ organizationId: organization.id, email: user.email });
    }
    const names = async (search: string) =>
      (await callerFor(db, owner).organizations.members.list({ organizationId: organization.id, search })).members.map(
        (m) => m.name,
      );
    // Before the fix "%" matched every member.
    expect(await names("%")).toEqual([percent.name]);
    expect(await names("_")).toEqual([underscore.name]);
    expect(await names("e_c")).toEqual([underscore.name]);
    expect(await names("0%")).toEqual([percent.name]);
    expect(await names("k\\s")).toEqual([backslash.name]);
    expect(await names("\\")).toEqual([backslash.name]);
    // Ordinary searches still find substrings, case-insensitively.
    expect(await names("SNAKE")).toEqual([underscore.name]);
    expect((await names("acme")).length).toBe(4);
  });
});

describe("dates out of range", () => {
  it("joinCodes.create refuses an expiry no database or ISO string can hold, with 400 invalid_input", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner).organizations.joinCodes;
    for (const expiresAt of [8.64e15, -8.64e15, "+275760-09-13T00:00:00.000Z", new Date(8.64e15), "not a date"]) {
      const failure = await failureOf(asOwner.create({ organizationId: organization.id, expiresAt } as never));
      expect(failure, String(expiresAt)).toMatchObject({ code: "BAD_REQUEST", reason: "invalid_input" });
      expect(failure.fieldErrors?.expiresAt, String(expiresAt)).toHaveLength(1);
    }
    expect(await db.prisma.joinCode.count()).toBe(0);
    // A real future date (as a Date, an ISO string or epoch ms) is stored as given.
    const inAWeek = new Date(Date.now() + 7 * 86_400_000);
    for (const expiresAt of [inAWeek, inAWeek.toISOString(), inAWeek.getTime()]) {
      const { joinCode } = await asOwner.create({ organizationId: organization.id, expiresAt });
      expect(joinCode.expiresAt?.toISOString()).toBe(inAWeek.toISOString());
    }
  });
});

describe("memberships.get", () => {
  it("answers your own membership, and others' only where you may view the members (as the README says)", async () => {
    const { organization, owner, member, viewer } = await createOrganizationWithRoles(db);
    const ownerMembership = await db.prisma.membership.findFirstOrThrow({
      where: { organizationId: organization.id, userId: owner.userId },
      select: { id: true },
    });
    // A member (members:view) sees the owner's membership, by id or by (user, organization).
    const asMember = callerFor(db, member).organizations.memberships;
    expect((await asMember.get({ membershipId: ownerMembership.id })).membership.role).toBe("owner");
    expect((await asMember.get({ userId: owner.userId, organizationId: organization.handle })).membership.id).toBe(
      ownerMembership.id,
    );
    // A viewer (no members:view) sees only their own; another member's is NOT_FOUND, like a stranger's.
    const asViewer = callerFor(db, viewer).organizations.memberships;
    expect((await asViewer.get({ userId: viewer.userId, organizationId: organization.id })).membership.role).toBe(
      "viewer",
    );
    expect(await failureOf(asViewer.get({ membershipId: ownerMembership.id }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "membership_not_found",
    });
    const stranger = await createUser(db);
    expect(
      await failureOf(callerFor(db, stranger).organizations.memberships.get({ membershipId: ownerMembership.id })),
    ).toMatchObject({ code: "NOT_FOUND", reason: "membership_not_found" });
  });
});
