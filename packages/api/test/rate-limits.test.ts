import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { DatabaseHandle } from "@tenancy/db/connect";

import type { ApiConfig } from "../src/config";
import type { Actor } from "../src/domain/actor";
import {
  callerFor,
  createOrganizationWithRoles,
  createUser,
  failureOf,
  openSecondHandle,
  openTestDatabase,
  resetDatabase,
  testConfig,
  type TestUser,
} from "./harness";

// Two handles on one database stand in for two app instances (on PostgreSQL: two connection pools).
let db: DatabaseHandle;
let otherInstance: DatabaseHandle;
beforeAll(async () => {
  db = await openTestDatabase();
  otherInstance = await openSecondHandle(db);
});
afterAll(async () => {
  await otherInstance.close();
  await db.close();
});
beforeEach(async () => {
  await resetDatabase(db);
});

const IP_A = "203.0.113.7";
const IP_B = "198.51.100.9";
const UNKNOWN_CODE = "ZZZZZ-ZZZZZ";
const UNKNOWN_TOKEN = "x".repeat(43);

function limits(overrides: Partial<ApiConfig["rateLimits"]>): Partial<ApiConfig> {
  return { rateLimits: { ...testConfig.rateLimits, ...overrides } };
}

function callerOn(handle: DatabaseHandle, actor: Actor | null, ip: string | null, config: Partial<ApiConfig>) {
  return callerFor(handle, actor, { ip, config });
}

async function bucketsMentioning(fragment: string) {
  return db.prisma.rateLimitBucket.findMany({
    where: { key: { contains: fragment } },
    select: { key: true, count: true },
  });
}

/** Moves every bucket's window into the past, as if the window had elapsed. */
async function expireWindows() {
  await db.sql.exec(`UPDATE "rate_limit_bucket" SET "windowStart" = '2000-01-01 00:00:00'`);
}

async function orgWithCode(maxUses: number | null = null) {
  const team = await createOrganizationWithRoles(db);
  const { code, joinCode } = await callerFor(db, team.admin).organizations.joinCodes.create({
    organizationId: team.organization.id,
    maxUses,
  });
  return { ...team, code, joinCode };
}

function isMember(organizationId: string, user: TestUser) {
  return db.prisma.membership.count({ where: { organizationId, userId: user.userId } }).then((n) => n === 1);
}

describe("rate limits on redeeming (join codes, invitations)", () => {
  it("limits join attempts per user across app instances; failed attempts count; a refused attempt has no effect", async () => {
    const { organization, code, joinCode } = await orgWithCode();
    const config = limits({ redeemPerUser: { limit: 3, windowSeconds: 60 } });
    const guesser = await createUser(db);
    const onA = callerOn(db, guesser, IP_A, config);
    const onB = callerOn(otherInstance, guesser, IP_A, config);

    expect(await failureOf(onA.organizations.joinCodes.join({ code: UNKNOWN_CODE }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "join_code_not_found",
    });
    expect(await failureOf(onB.organizations.joinCodes.join({ code: UNKNOWN_CODE }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await failureOf(onA.organizations.joinCodes.join({ code: UNKNOWN_CODE }))).toMatchObject({
      code: "NOT_FOUND",
    });
    // The fourth attempt, even with a valid code and on the other instance, is refused.
    const limited = await failureOf(onB.organizations.joinCodes.join({ code }));
    expect(limited).toMatchObject({ code: "TOO_MANY_REQUESTS", reason: "rate_limited" });
    expect(limited.details?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(limited.details?.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await isMember(organization.id, guesser)).toBe(false);
    expect(
      (await db.prisma.joinCode.findUniqueOrThrow({ where: { id: joinCode.id }, select: { uses: true } })).uses,
    ).toBe(0);

    // The counter is a row in the database, shared by both instances.
    const userBuckets = await bucketsMentioning(guesser.userId);
    expect(userBuckets).toHaveLength(1);
    expect(userBuckets[0]!.count).toBe(4);

    // Someone else, from elsewhere, is unaffected.
    const bystander = await createUser(db);
    expect(await callerOn(db, bystander, IP_B, config).organizations.joinCodes.join({ code })).toMatchObject({
      alreadyMember: false,
    });
    // A new IP does not help the limited user.
    expect(await failureOf(callerOn(db, guesser, IP_B, config).organizations.joinCodes.join({ code }))).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      reason: "rate_limited",
    });

    // Once the window has passed, the user may try again.
    await expireWindows();
    expect(await onB.organizations.joinCodes.join({ code })).toMatchObject({
      organizationId: organization.id,
      alreadyMember: false,
    });
    expect((await bucketsMentioning(guesser.userId))[0]!.count).toBe(1);
  });

  it("limits attempts per IP whoever makes them; other IPs are unaffected", async () => {
    const { organization, code } = await orgWithCode();
    const config = limits({ redeemPerIp: { limit: 3, windowSeconds: 60 } });
    const [first, second, third] = await Promise.all([createUser(db), createUser(db), createUser(db)]);

    expect(
      await failureOf(callerOn(db, first, IP_A, config).organizations.joinCodes.join({ code: UNKNOWN_CODE })),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(
      await failureOf(
        callerOn(otherInstance, first, IP_A, config).organizations.joinCodes.join({ code: UNKNOWN_CODE }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(
      await failureOf(callerOn(db, second, IP_A, config).organizations.invitations.accept({ token: UNKNOWN_TOKEN })),
    ).toMatchObject({
      code: "NOT_FOUND",
      reason: "invitation_not_found",
    });
    // Each user made at most two attempts: it is the IP that is over its limit.
    for (const user of [second, third]) {
      expect(
        await failureOf(callerOn(otherInstance, user, IP_A, config).organizations.joinCodes.join({ code })),
      ).toMatchObject({
        code: "TOO_MANY_REQUESTS",
        reason: "rate_limited",
      });
    }
    expect(await isMember(organization.id, second)).toBe(false);
    expect(await bucketsMentioning(IP_A)).toEqual([expect.objectContaining({ count: 5 })]);

    expect(await callerOn(db, third, IP_B, config).organizations.joinCodes.join({ code })).toMatchObject({
      alreadyMember: false,
    });
    expect(await callerOn(otherInstance, second, IP_B, config).organizations.joinCodes.join({ code })).toMatchObject({
      alreadyMember: false,
    });
    expect(await failureOf(callerOn(db, first, IP_A, config).organizations.joinCodes.join({ code }))).toMatchObject({
      code: "TOO_MANY_REQUESTS",
    });

    await expireWindows();
    expect(await callerOn(db, first, IP_A, config).organizations.joinCodes.join({ code })).toMatchObject({
      alreadyMember: false,
    });
  });

  it("limits invitation accepts and declines per user; a refused accept leaves the invitation pending", async () => {
    const { organization, admin } = await createOrganizationWithRoles(db);
    const invitee = await createUser(db, { email: "invitee@example.com" });
    const { token, invitation } = await callerFor(db, admin).organizations.invitations.create({
      organizationId: organization.id,
      email: invitee.email,
    });
    const config = limits({ redeemPerUser: { limit: 2, windowSeconds: 60 } });

    expect(
      await failureOf(callerOn(db, invitee, IP_A, config).organizations.invitations.accept({ token: UNKNOWN_TOKEN })),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(
      await failureOf(
        callerOn(otherInstance, invitee, IP_B, config).organizations.invitations.decline({ token: UNKNOWN_TOKEN }),
      ),
    ).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(
      await failureOf(callerOn(db, invitee, IP_A, config).organizations.invitations.accept({ token })),
    ).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      reason: "rate_limited",
    });
    expect(
      await failureOf(callerOn(db, invitee, IP_A, config).organizations.invitations.decline({ token })),
    ).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      reason: "rate_limited",
    });
    expect(
      (await db.prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id }, select: { status: true } })).status,
    ).toBe("pending");
    expect(await isMember(organization.id, invitee)).toBe(false);

    await expireWindows();
    expect(
      await callerOn(otherInstance, invitee, IP_A, config).organizations.invitations.accept({ token }),
    ).toMatchObject({ alreadyMember: false });
  });

  it("counts concurrent attempts atomically: exactly `limit` get through", async () => {
    const { code } = await orgWithCode();
    const config = limits({ redeemPerUser: { limit: 3, windowSeconds: 60 } });
    const guesser = await createUser(db);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        callerOn(i % 2 ? otherInstance : db, guesser, null, config).organizations.joinCodes.join({
          code: UNKNOWN_CODE,
        }),
      ),
    );
    const failures = await Promise.all(
      results.map((r) => failureOf(r.status === "rejected" ? Promise.reject(r.reason) : Promise.resolve(r.value))),
    );
    expect(failures.filter((f) => f.code === "NOT_FOUND")).toHaveLength(3);
    expect(failures.filter((f) => f.code === "TOO_MANY_REQUESTS" && f.reason === "rate_limited")).toHaveLength(7);
    expect((await bucketsMentioning(guesser.userId))[0]!.count).toBe(10);
    // A valid code is refused too until the window passes.
    expect(await failureOf(callerOn(db, guesser, null, config).organizations.joinCodes.join({ code }))).toMatchObject({
      code: "TOO_MANY_REQUESTS",
    });
  });
});

/**
 * Runs `fn` with a handle whose sessions use `zone` as their TimeZone: on PostgreSQL a fresh pool on
 * the database with its default changed; on PGlite (one session) the session setting itself.
 */
async function inTimeZone(zone: string, fn: (handle: DatabaseHandle) => Promise<void>) {
  if (db.kind === "postgres") {
    const [row] = await db.sql.query<{ name: string }>("SELECT current_database() AS name");
    await db.sql.exec(`ALTER DATABASE "${row!.name}" SET timezone = '${zone}'`);
    const handle = await openSecondHandle(db);
    try {
      expect((await handle.sql.query<{ TimeZone: string }>("SHOW TIME ZONE"))[0]?.TimeZone).toBe(zone);
      await fn(handle);
    } finally {
      await handle.close();
      await db.sql.exec(`ALTER DATABASE "${row!.name}" RESET timezone`);
    }
  } else {
    await db.sql.exec(`SET TIME ZONE '${zone}'`);
    try {
      await fn(db);
    } finally {
      await db.sql.exec("RESET TIME ZONE");
    }
  }
}

describe("rate limit windows whatever the database time zone", () => {
  for (const zone of ["Asia/Tokyo", "America/Los_Angeles"]) {
    it(`keeps the window in UTC and reports a sane retry delay (${zone})`, async () => {
      await inTimeZone(zone, async (handle) => {
        const user = await createUser(handle);
        const config = limits({ redeemPerUser: { limit: 1, windowSeconds: 60 } });
        expect(
          await failureOf(callerOn(handle, user, null, config).organizations.joinCodes.join({ code: UNKNOWN_CODE })),
        ).toMatchObject({ code: "NOT_FOUND" });
        const limited = await failureOf(
          callerOn(handle, user, null, config).organizations.joinCodes.join({ code: UNKNOWN_CODE }),
        );
        expect(limited).toMatchObject({ code: "TOO_MANY_REQUESTS", reason: "rate_limited" });
        expect(limited.details?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(limited.details?.retryAfterSeconds).toBeLessThanOrEqual(60);
        const [bucket] = await bucketsMentioning(user.userId);
        const stored = await handle.prisma.rateLimitBucket.findUniqueOrThrow({
          where: { key: bucket!.key },
          select: { windowStart: true },
        });
        // Read back as the instant it was written (to the minute), not shifted by the zone's offset.
        expect(Math.abs(stored.windowStart.getTime() - Date.now())).toBeLessThan(60_000);
      });
    });
  }
});

describe("rate limit on the public invitation preview", () => {
  it("limits previews per IP", async () => {
    const { organization, admin } = await createOrganizationWithRoles(db);
    const { token } = await callerFor(db, admin).organizations.invitations.create({
      organizationId: organization.id,
      email: "peek@example.com",
    });
    const config = limits({ previewPerIp: { limit: 2, windowSeconds: 60 } });
    expect(
      await failureOf(callerOn(db, null, IP_A, config).organizations.invitations.preview({ token: UNKNOWN_TOKEN })),
    ).toMatchObject({ code: "NOT_FOUND" });
    await callerOn(otherInstance, null, IP_A, config).organizations.invitations.preview({ token });
    expect(
      await failureOf(callerOn(db, null, IP_A, config).organizations.invitations.preview({ token })),
    ).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      reason: "rate_limited",
    });
    expect((await callerOn(db, null, IP_B, config).organizations.invitations.preview({ token })).invitation.email).toBe(
      "peek@example.com",
    );
    await expireWindows();
    expect(
      (await callerOn(db, null, IP_A, config).organizations.invitations.preview({ token })).invitation.status,
    ).toBe("pending");
  });
});

describe("per-IP buckets", () => {
  it("an IPv6 client's whole /64 shares one budget (it can pick any address in it)", async () => {
    const team = await createOrganizationWithRoles(db);
    const { token } = await callerFor(db, team.owner).organizations.invitations.create({
      organizationId: team.organization.id,
      email: "pat@example.com",
    });
    const config = limits({ previewPerIp: { limit: 2, windowSeconds: 60 } });
    const preview = (ip: string) => callerOn(db, null, ip, config).organizations.invitations.preview({ token });
    await preview("2001:db8:1:2::1");
    await preview("2001:0db8:0001:0002:ffff:ffff:ffff:fffe");
    expect(await failureOf(preview("2001:db8:1:2:abcd::9"))).toMatchObject({ reason: "rate_limited" });
    // The next /64, and IPv4 addresses, are their own buckets.
    expect((await preview("2001:db8:1:3::1")).invitation.email).toBe("pat@example.com");
    expect((await preview("203.0.113.50")).invitation.email).toBe("pat@example.com");
    expect((await bucketsMentioning("preview:ip:")).map((b) => b.key).sort()).toEqual([
      "preview:ip:2001:db8:1:2::/64",
      "preview:ip:2001:db8:1:3::/64",
      "preview:ip:203.0.113.50",
    ]);
  });
});
