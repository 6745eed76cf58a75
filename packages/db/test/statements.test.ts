import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startPostgresServer, type PostgresServer } from "@tenancy/testing/postgres-server";

import { openDatabase, type DatabaseHandle } from "../src/connect";
import { createStatementRecorder } from "../src/statements";

// The statement counter must see the same thing on both adapters: PrismaPg sends BEGIN/COMMIT as
// queries, PGlite's adapter hides them inside pglite.transaction().
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(async () => {
  await server?.stop();
});

describe.each(["pglite", "postgres"] as const)("statement recorder on %s", (kind) => {
  const recorder = createStatementRecorder();
  let db: DatabaseHandle;
  beforeAll(async () => {
    db = await openDatabase(kind === "pglite" ? { kind } : { kind, url: server.url }, {
      onStatement: recorder.listener,
    });
    await db.migrate();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("counts single statements, with writes outside a transaction as implicit commits", async () => {
    const id = randomUUID();
    const { count } = await recorder.count(async () => {
      await db.prisma.user.create({ data: { id, name: "A", email: `${id}@example.com` }, select: { id: true } });
      await db.prisma.user.findUnique({ where: { id }, select: { name: true } });
    });
    expect(count).toMatchObject({ statements: 2, transactions: 0, commits: 0, autocommitWrites: 1, rollbacks: 0 });
    expect(count.statementList.map((s) => s.sql.trim().split(" ")[0])).toEqual(["INSERT", "SELECT"]);
  });

  it("counts a WITH statement whose CTEs write as a write (its own commit), a reading one as a read", async () => {
    const id = randomUUID();
    const { count } = await recorder.count(async () => {
      await db.prisma.$queryRaw`
        WITH added AS (
          INSERT INTO "user" ("id", "name", "email", "createdAt", "updatedAt")
          VALUES (${id}, 'C', ${`${id}@example.com`}, now(), now()) RETURNING "id"
        )
        SELECT count(*) AS n FROM added`;
      await db.prisma.$queryRaw`WITH found AS (SELECT "id" FROM "user" WHERE "id" = ${id}) SELECT * FROM found`;
      await db.prisma.$queryRaw`
        WITH renamed AS (UPDATE "user" u SET "name" = 'C2' WHERE u."id" = ${id} RETURNING u."id") SELECT * FROM renamed`;
    });
    expect(count).toMatchObject({ statements: 3, transactions: 0, commits: 0, autocommitWrites: 2 });
  });

  it("counts an interactive transaction as one begin and one commit, its statements inside it", async () => {
    const id = randomUUID();
    const { count } = await recorder.count(() =>
      db.prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { id, name: "B", email: `${id}@example.com` }, select: { id: true } });
        await tx.user.update({ where: { id }, data: { name: "B2" }, select: { id: true } });
      }),
    );
    expect(count).toMatchObject({ statements: 2, transactions: 1, commits: 1, rollbacks: 0, autocommitWrites: 0 });
    expect(count.statementList.every((s) => s.inTransaction)).toBe(true);
    expect(count.roundTrips).toBe(4);
  });

  it("counts a rolled-back transaction as a rollback, not a commit", async () => {
    const { count } = await recorder.count(async () => {
      await db.prisma
        .$transaction(async (tx) => {
          await tx.user.findMany({ take: 1, select: { id: true } });
          throw new Error("abort");
        })
        .catch(() => undefined);
    });
    expect(count).toMatchObject({ statements: 1, transactions: 1, commits: 0, rollbacks: 1 });
  });

  it("marks what part of the work issued which statements", async () => {
    const { result } = await recorder.count(async () => {
      await db.prisma.user.findMany({ take: 1, select: { id: true } });
      const mark = recorder.snapshot();
      await db.prisma.user.count();
      await db.prisma.user.count();
      return recorder.since(mark);
    });
    expect(result.statements).toBe(2);
  });
});
