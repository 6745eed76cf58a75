import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startPostgresServer, type PostgresServer } from "@tenancy/testing/postgres-server";

import { openDatabase, type DatabaseHandle } from "../src/connect";

// organization.memberCount is kept by the database (statement-level triggers on "membership"), on
// both engines: every way a membership row appears or goes, in bulk and through cascades.
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(async () => {
  await server?.stop();
});

describe.each(["pglite", "postgres"] as const)("organization.memberCount on %s", (kind) => {
  let db: DatabaseHandle;
  beforeAll(async () => {
    if (kind === "pglite") db = await openDatabase({ kind });
    else {
      const admin = await openDatabase({ kind, url: server.url, poolSize: 1 });
      await admin.sql.exec("CREATE DATABASE member_count");
      await admin.close();
      const url = new URL(server.url);
      url.pathname = "/member_count";
      db = await openDatabase({ kind, url: url.toString() });
    }
    await db.migrate();
  });
  afterAll(async () => {
    await db?.close();
  });

  const countOf = async (id: string) =>
    (await db.prisma.organization.findUniqueOrThrow({ where: { id }, select: { memberCount: true } })).memberCount;
  const members = async (id: string) => db.prisma.membership.count({ where: { organizationId: id } });

  it("follows inserts (one, many, nested), deletes and cascades, and refuses moving a membership", async () => {
    await db.sql.exec(`
      INSERT INTO "user" ("id", "name", "email", "createdAt", "updatedAt")
        SELECT 'mc-' || i, 'U' || i, 'mc' || i || '@example.com', now(), now() FROM generate_series(1, 50) i;`);
    // Every organization belongs to an instance: the default one, created when first needed.
    const instance = { connectOrCreate: { where: { isDefault: true }, create: { name: "Default", isDefault: true } } };
    const a = await db.prisma.organization.create({
      data: { handle: "count-a", name: "A", instance, memberships: { create: { userId: "mc-1", role: "owner" } } },
      select: { id: true, memberCount: true },
    });
    expect(a.memberCount).toBe(1);
    const b = await db.prisma.organization.create({
      data: { handle: "count-b", name: "B", instance },
      select: { id: true },
    });
    expect(await countOf(b.id)).toBe(0);

    await db.prisma.membership.create({ data: { organizationId: a.id, userId: "mc-2", role: "member" } });
    // One statement inserting into two organizations at once.
    await db.sql.exec(`
      INSERT INTO "membership" ("id", "organizationId", "userId", "role", "createdAt", "updatedAt")
        SELECT 'mc-m-' || i, CASE WHEN i % 2 = 0 THEN '${a.id}' ELSE '${b.id}' END, 'mc-' || i, 'member', now(), now()
        FROM generate_series(3, 40) i;`);
    expect(await countOf(a.id)).toBe(await members(a.id));
    expect(await countOf(b.id)).toBe(await members(b.id));
    expect(await countOf(a.id)).toBe(21);
    expect(await countOf(b.id)).toBe(19);

    await db.prisma.membership.deleteMany({ where: { organizationId: a.id, userId: { in: ["mc-2", "mc-4"] } } });
    expect(await countOf(a.id)).toBe(19);
    // Deleting a user takes their memberships with them (a cascade).
    await db.prisma.user.delete({ where: { id: "mc-3" } });
    expect(await countOf(b.id)).toBe(18);
    // A rolled-back insert leaves the count as it was.
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.membership.create({ data: { organizationId: b.id, userId: "mc-50", role: "member" } });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await countOf(b.id)).toBe(18);

    await expect(
      db.sql.exec(`UPDATE "membership" SET "organizationId" = '${b.id}' WHERE "organizationId" = '${a.id}'`),
    ).rejects.toThrow(/cannot move/);
    expect(await countOf(a.id)).toBe(19);

    // The owners are counted too: inserted, promoted, demoted (in bulk), removed.
    const ownersOf = async (id: string) =>
      (await db.prisma.organization.findUniqueOrThrow({ where: { id }, select: { ownerCount: true } })).ownerCount;
    const realOwners = (id: string) => db.prisma.membership.count({ where: { organizationId: id, role: "owner" } });
    expect(await ownersOf(a.id)).toBe(1);
    expect(await ownersOf(b.id)).toBe(0);
    await db.sql.exec(`UPDATE "membership" SET "role" = 'owner' WHERE "userId" IN ('mc-5', 'mc-6', 'mc-7', 'mc-8')`);
    expect([await ownersOf(a.id), await ownersOf(b.id)]).toEqual([3, 2]);
    // A statement that promotes one and demotes another in the same organization leaves its count as is.
    await db.sql.exec(
      `UPDATE "membership" SET "role" = CASE "userId" WHEN 'mc-6' THEN 'member' ELSE 'owner' END WHERE "userId" IN ('mc-6', 'mc-10')`,
    );
    expect(await ownersOf(a.id)).toBe(3);
    await db.prisma.membership.updateMany({
      where: { organizationId: a.id, role: "owner" },
      data: { updatedAt: new Date() },
    });
    expect(await ownersOf(a.id)).toBe(3);
    await db.prisma.membership.deleteMany({ where: { organizationId: b.id, userId: "mc-5" } });
    await db.prisma.user.delete({ where: { id: "mc-7" } });
    expect(await ownersOf(b.id)).toBe(0);
    expect(await ownersOf(a.id)).toBe(await realOwners(a.id));
    expect(await ownersOf(b.id)).toBe(await realOwners(b.id));
    await db.prisma.membership.create({ data: { organizationId: b.id, userId: "mc-49", role: "owner" } });
    expect(await ownersOf(b.id)).toBe(1);

    // Deleting an organization cascades to its memberships without tripping over its own row.
    await db.prisma.organization.delete({ where: { id: a.id } });
    expect(await db.prisma.membership.count({ where: { organizationId: a.id } })).toBe(0);
    expect(await countOf(b.id)).toBe(await members(b.id));
  });
});
