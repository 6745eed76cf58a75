import { describe, expect, it } from "vitest";

import { normalizeCode, sha256Hex } from "../src/services/secrets";
import {
  callerFor,
  callerForBearer,
  createOrganizationWithRoles,
  createUser,
  databaseText,
  failureOf,
  useTestDatabase,
} from "./harness";

const db = useTestDatabase();

// Five + five characters of Crockford base32 (no I, L, O, U).
const CODE_SHAPE = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

async function orgWithTeam(name = "Acme") {
  const team = await createOrganizationWithRoles(db, name);
  return {
    ...team,
    asOwner: callerFor(db, team.owner),
    asAdmin: callerFor(db, team.admin),
    asMember: callerFor(db, team.member),
  };
}

async function usesOf(joinCodeId: string) {
  return (await db.prisma.joinCode.findUniqueOrThrow({ where: { id: joinCodeId }, select: { uses: true } })).uses;
}

function memberCount(organizationId: string) {
  return db.prisma.membership.count({ where: { organizationId } });
}

describe("joinCodes.create", () => {
  it("returns a short typeable code once; maxUses absent or null means unlimited", async () => {
    const { organization, asAdmin } = await orgWithTeam();
    const created = await asAdmin.organizations.joinCodes.create({ organizationId: organization.handle });
    expect(created.code).toMatch(CODE_SHAPE);
    expect(created.joinCode).toMatchObject({
      organizationId: organization.id,
      role: "member",
      maxUses: null,
      uses: 0,
      expiresAt: null,
      revokedAt: null,
      status: "active",
    });
    expect(created.joinCode.hint.endsWith(created.code.slice(-3))).toBe(true);
    expect(JSON.stringify(created.joinCode)).not.toContain(created.code.slice(0, 5));

    const explicitNull = await asAdmin.organizations.joinCodes.create({
      organizationId: organization.id,
      maxUses: null,
      role: "viewer",
    });
    expect(explicitNull.joinCode).toMatchObject({ maxUses: null, role: "viewer" });
    expect(explicitNull.code).not.toBe(created.code);

    const expiresAt = new Date(Date.now() + 3_600_000);
    const limited = await asAdmin.organizations.joinCodes.create({
      organizationId: organization.id,
      maxUses: 5,
      expiresAt,
    });
    expect(limited.joinCode).toMatchObject({ maxUses: 5, expiresAt });
  });

  it("needs members:manage: a member gets FORBIDDEN, a non-member NOT_FOUND", async () => {
    const { organization, asMember } = await orgWithTeam();
    const outsider = await createUser(db);
    expect(await failureOf(asMember.organizations.joinCodes.create({ organizationId: organization.id }))).toMatchObject(
      {
        code: "FORBIDDEN",
        reason: "permission_denied",
      },
    );
    expect(
      await failureOf(callerFor(db, outsider).organizations.joinCodes.create({ organizationId: organization.id })),
    ).toMatchObject({
      code: "NOT_FOUND",
      reason: "organization_not_found",
    });
    expect(await db.prisma.joinCode.count()).toBe(0);
  });

  it("rejects a past expiry and a non-positive maxUses", async () => {
    const { organization, asAdmin } = await orgWithTeam();
    expect(
      await failureOf(
        asAdmin.organizations.joinCodes.create({
          organizationId: organization.id,
          expiresAt: new Date(Date.now() - 60_000),
        }),
      ),
    ).toMatchObject({
      code: "BAD_REQUEST",
      reason: "invalid_input",
      details: { field: "expiresAt" },
    });
    const zero = await failureOf(
      asAdmin.organizations.joinCodes.create({ organizationId: organization.id, maxUses: 0 }),
    );
    expect(zero).toMatchObject({ code: "BAD_REQUEST", reason: "invalid_input" });
    expect(zero.fieldErrors?.maxUses?.length).toBeGreaterThan(0);
    expect(await db.prisma.joinCode.count()).toBe(0);
  });

  it("only an owner can create a code that grants the owner role", async () => {
    const { organization, asOwner, asAdmin } = await orgWithTeam();
    expect(
      await failureOf(asAdmin.organizations.joinCodes.create({ organizationId: organization.id, role: "owner" })),
    ).toMatchObject({
      code: "FORBIDDEN",
      reason: "owner_required",
    });
    expect(await db.prisma.joinCode.count()).toBe(0);
    const { code, joinCode } = await asOwner.organizations.joinCodes.create({
      organizationId: organization.id,
      role: "owner",
    });
    expect(joinCode.role).toBe("owner");
    const newcomer = await createUser(db);
    expect(await callerFor(db, newcomer).organizations.joinCodes.join({ code })).toEqual({
      organizationId: organization.id,
      organization: { id: organization.id, handle: organization.handle, name: organization.name },
      role: "owner",
      roleName: "Owner",
      alreadyMember: false,
    });
  });
});

describe("joinCodes.list and revoke", () => {
  it("shows uses, limits, expiry, status and a hint, but never the code nor its hash", async () => {
    const { organization, asAdmin, asMember } = await orgWithTeam();
    const organizationId = organization.id;
    const unlimited = await asAdmin.organizations.joinCodes.create({ organizationId });
    const single = await asAdmin.organizations.joinCodes.create({ organizationId, maxUses: 1, role: "viewer" });
    const expiring = await asAdmin.organizations.joinCodes.create({
      organizationId,
      expiresAt: new Date(Date.now() + 60_000),
    });
    const revoked = await asAdmin.organizations.joinCodes.create({ organizationId });
    await callerFor(db, await createUser(db)).organizations.joinCodes.join({ code: single.code });
    await callerFor(db, await createUser(db)).organizations.joinCodes.join({ code: unlimited.code });
    await db.prisma.joinCode.update({
      where: { id: expiring.joinCode.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await asAdmin.organizations.joinCodes.revoke({ organizationId, id: revoked.joinCode.id });

    const listed = await asAdmin.organizations.joinCodes.list({ organizationId });
    const byId = new Map(listed.joinCodes.map((c) => [c.id, c]));
    expect(listed.joinCodes).toHaveLength(4);
    expect(byId.get(unlimited.joinCode.id)).toMatchObject({ uses: 1, maxUses: null, status: "active" });
    expect(byId.get(single.joinCode.id)).toMatchObject({ uses: 1, maxUses: 1, status: "exhausted", role: "viewer" });
    expect(byId.get(expiring.joinCode.id)).toMatchObject({ uses: 0, status: "expired" });
    expect(byId.get(expiring.joinCode.id)?.expiresAt).toBeInstanceOf(Date);
    expect(byId.get(revoked.joinCode.id)).toMatchObject({ status: "revoked" });
    expect(byId.get(revoked.joinCode.id)?.revokedAt).toBeInstanceOf(Date);

    const json = JSON.stringify(listed);
    const tableText = (await db.sql.query<{ row: string }>(`SELECT t::text AS "row" FROM "join_code" t`))
      .map((r) => r.row)
      .join("\n");
    for (const { code, joinCode } of [unlimited, single, expiring, revoked]) {
      expect(byId.get(joinCode.id)?.hint).toBe(`•••••-••${code.slice(-3)}`);
      const hash = sha256Hex(normalizeCode(code));
      expect(json).not.toContain(code);
      expect(json).not.toContain(normalizeCode(code));
      expect(json).not.toContain(hash);
      expect(tableText).not.toContain(code);
      expect(tableText).not.toContain(normalizeCode(code));
      expect(tableText).toContain(hash);
    }
    expect(listed.joinCodes.every((c) => !("codeHash" in c) && !("code" in c))).toBe(true);

    expect(await failureOf(asMember.organizations.joinCodes.list({ organizationId }))).toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("a revoked code can no longer be used; revoke needs members:manage and the code's own org", async () => {
    const acme = await orgWithTeam("Acme");
    const globex = await orgWithTeam("Globex");
    const { code, joinCode } = await acme.asAdmin.organizations.joinCodes.create({
      organizationId: acme.organization.id,
    });
    expect(
      await failureOf(
        acme.asMember.organizations.joinCodes.revoke({ organizationId: acme.organization.id, id: joinCode.id }),
      ),
    ).toMatchObject({
      code: "FORBIDDEN",
    });
    expect(
      await failureOf(
        globex.asAdmin.organizations.joinCodes.revoke({ organizationId: globex.organization.id, id: joinCode.id }),
      ),
    ).toMatchObject({
      code: "NOT_FOUND",
      reason: "join_code_not_found",
    });
    expect(
      await acme.asAdmin.organizations.joinCodes.revoke({ organizationId: acme.organization.id, id: joinCode.id }),
    ).toEqual({ ok: true });
    expect(
      await acme.asAdmin.organizations.joinCodes.revoke({ organizationId: acme.organization.id, id: joinCode.id }),
    ).toEqual({ ok: true });
    const newcomer = await createUser(db);
    expect(await failureOf(callerFor(db, newcomer).organizations.joinCodes.join({ code }))).toMatchObject({
      code: "CONFLICT",
      reason: "join_code_revoked",
    });
    expect(await memberCount(acme.organization.id)).toBe(4);
    expect(await usesOf(joinCode.id)).toBe(0);
  });
});

describe("joinCodes.join", () => {
  it("accepts the code however it is typed: lower case, spaces, no dash, look-alike letters", async () => {
    const { organization, asAdmin } = await orgWithTeam();
    const { code, joinCode } = await asAdmin.organizations.joinCodes.create({
      organizationId: organization.id,
      role: "viewer",
    });
    const variants = [
      code,
      code.toLowerCase(),
      code.replace("-", ""),
      ` ${code.slice(0, 3)} ${code.slice(3, 8)}  ${code.slice(8)} `,
      code.replace("-", " - "),
      // 0 and 1 read aloud as O and I/L.
      code.replace(/0/g, "O").replace(/1/g, "l"),
    ];
    for (const variant of variants) {
      const user = await createUser(db);
      expect(await callerFor(db, user).organizations.joinCodes.join({ code: variant }), variant).toEqual({
        organizationId: organization.id,
        organization: { id: organization.id, handle: organization.handle, name: organization.name },
        role: "viewer",
        roleName: "Viewer",
        alreadyMember: false,
      });
    }
    expect(await usesOf(joinCode.id)).toBe(variants.length);
    expect(await db.prisma.joinCodeRedemption.count({ where: { joinCodeId: joinCode.id } })).toBe(variants.length);
  });

  it("unknown → NOT_FOUND, expired → CONFLICT, exhausted → CONFLICT, inactive org → FORBIDDEN", async () => {
    const { organization, asAdmin } = await orgWithTeam();
    const user = await createUser(db);
    const asUser = callerFor(db, user);
    expect(await failureOf(asUser.organizations.joinCodes.join({ code: "ZZZZZ-ZZZZZ" }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "join_code_not_found",
    });

    const expiring = await asAdmin.organizations.joinCodes.create({
      organizationId: organization.id,
      expiresAt: new Date(Date.now() + 60_000),
    });
    await db.prisma.joinCode.update({
      where: { id: expiring.joinCode.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await failureOf(asUser.organizations.joinCodes.join({ code: expiring.code }))).toMatchObject({
      code: "CONFLICT",
      reason: "join_code_expired",
    });

    const single = await asAdmin.organizations.joinCodes.create({ organizationId: organization.id, maxUses: 1 });
    await callerFor(db, await createUser(db)).organizations.joinCodes.join({ code: single.code });
    expect(await failureOf(asUser.organizations.joinCodes.join({ code: single.code }))).toMatchObject({
      code: "CONFLICT",
      reason: "join_code_exhausted",
    });

    const open = await asAdmin.organizations.joinCodes.create({ organizationId: organization.id });
    await db.prisma.organization.update({ where: { id: organization.id }, data: { active: false } });
    expect(await failureOf(asUser.organizations.joinCodes.join({ code: open.code }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "organization_inactive",
    });

    expect(await db.prisma.membership.count({ where: { userId: user.userId } })).toBe(0);
    expect(await usesOf(expiring.joinCode.id)).toBe(0);
    expect(await usesOf(single.joinCode.id)).toBe(1);
    expect(await usesOf(open.joinCode.id)).toBe(0);
  });

  it("an existing member gets alreadyMember: true, keeps their role and consumes no use", async () => {
    const { organization, member, asAdmin } = await orgWithTeam();
    const { code, joinCode } = await asAdmin.organizations.joinCodes.create({
      organizationId: organization.id,
      role: "admin",
      maxUses: 1,
    });
    expect(await callerFor(db, member).organizations.joinCodes.join({ code })).toEqual({
      organizationId: organization.id,
      organization: { id: organization.id, handle: organization.handle, name: organization.name },
      role: "member",
      roleName: "Member",
      alreadyMember: true,
    });
    expect(await usesOf(joinCode.id)).toBe(0);
    const newcomer = await createUser(db);
    expect(await callerFor(db, newcomer).organizations.joinCodes.join({ code })).toMatchObject({
      role: "admin",
      alreadyMember: false,
    });
    expect(await usesOf(joinCode.id)).toBe(1);
    // Joining again with the now-exhausted code still reports membership, without a use.
    expect(await callerFor(db, newcomer).organizations.joinCodes.join({ code })).toMatchObject({
      role: "admin",
      alreadyMember: true,
    });
    expect(await usesOf(joinCode.id)).toBe(1);
  });

  it("maxUses 3 admits exactly 3 of 12 users joining at once", async () => {
    const { organization, asAdmin } = await orgWithTeam();
    const { code, joinCode } = await asAdmin.organizations.joinCodes.create({
      organizationId: organization.id,
      maxUses: 3,
    });
    const users = await Promise.all(Array.from({ length: 12 }, () => createUser(db)));
    const membersBefore = await memberCount(organization.id);
    const results = await Promise.allSettled(
      users.map((user) => callerFor(db, user).organizations.joinCodes.join({ code })),
    );

    const successes = results.filter((r) => r.status === "fulfilled");
    expect(successes).toHaveLength(3);
    for (const success of successes)
      expect(success).toMatchObject({ value: { organizationId: organization.id, alreadyMember: false } });
    const failures = await Promise.all(
      results.flatMap((r) => (r.status === "rejected" ? [failureOf(Promise.reject(r.reason))] : [])),
    );
    expect(failures).toHaveLength(9);
    for (const failure of failures) expect(failure).toMatchObject({ code: "CONFLICT", reason: "join_code_exhausted" });

    expect(await usesOf(joinCode.id)).toBe(3);
    expect(await memberCount(organization.id)).toBe(membersBefore + 3);
    expect(await db.prisma.joinCodeRedemption.count({ where: { joinCodeId: joinCode.id } })).toBe(3);
    expect(await db.prisma.auditEvent.count({ where: { action: "join_code.redeemed" } })).toBe(3);
  });

  for (const maxUses of [null, 1, 5] as const) {
    it(`the same user joining twice at once becomes one member and uses the code once (maxUses ${maxUses})`, async () => {
      const { organization, asAdmin } = await orgWithTeam();
      const { code, joinCode } = await asAdmin.organizations.joinCodes.create({
        organizationId: organization.id,
        maxUses,
      });
      const user = await createUser(db);
      const results = await Promise.all(
        [1, 2, 3].map(() => callerFor(db, user).organizations.joinCodes.join({ code })),
      );
      expect(results.filter((r) => !r.alreadyMember)).toHaveLength(1);
      for (const result of results) expect(result).toMatchObject({ organizationId: organization.id, role: "member" });
      expect(
        await db.prisma.membership.count({ where: { organizationId: organization.id, userId: user.userId } }),
      ).toBe(1);
      expect(await usesOf(joinCode.id)).toBe(1);
    });
  }

  it("needs a signed-in user", async () => {
    const { organization, asOwner, asAdmin } = await orgWithTeam();
    const { code } = await asAdmin.organizations.joinCodes.create({ organizationId: organization.id });
    const { apiToken } = await asOwner.organizations.tokens.create({ organizationId: organization.id, name: "ci" });
    const asToken = await callerForBearer(db, apiToken.bearer);
    expect(await failureOf(asToken.organizations.joinCodes.join({ code }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "user_required",
    });
    expect(await failureOf(callerFor(db, null).organizations.joinCodes.join({ code }))).toMatchObject({
      code: "UNAUTHORIZED",
      reason: "unauthenticated",
    });
  });

  it("join codes are stored only as SHA-256", async () => {
    const { organization, asAdmin } = await orgWithTeam();
    const { code } = await asAdmin.organizations.joinCodes.create({ organizationId: organization.id });
    await callerFor(db, await createUser(db)).organizations.joinCodes.join({ code: code.toLowerCase() });
    const everything = await databaseText(db);
    expect(everything).not.toContain(code);
    expect(everything).not.toContain(normalizeCode(code));
    expect(everything).toContain(sha256Hex(normalizeCode(code)));
  });
});
