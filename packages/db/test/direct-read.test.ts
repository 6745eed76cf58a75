import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startPostgresServer, type PostgresServer } from "@tenancy/testing/postgres-server";

import { Prisma } from "../src/client";
import { openDatabase, type DatabaseHandle } from "../src/connect";
import { readRows, readsDirectly } from "../src/directRead";
import { createStatementRecorder } from "../src/statements";

// readRows must give what $queryRaw gives, on both databases (PGlite goes through $queryRaw itself),
// and be counted like any other statement.
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(async () => {
  await server?.stop();
});

describe.each(["pglite", "postgres"] as const)("readRows on %s", (kind) => {
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

  it("returns the values $queryRaw returns for every column type it reads, and is counted once", async () => {
    const id = randomUUID();
    const createdAt = new Date("2026-03-04T05:06:07.089Z");
    await db.prisma.user.create({
      data: { id, name: "Ada \u00e9", email: `${id}@example.com`, emailVerified: true, createdAt },
      select: { id: true },
    });
    const query = Prisma.sql`
      SELECT u."id", u."name", u."emailVerified", u."createdAt", NULL::timestamp(3) AS "never",
             2::int2 AS "small", 7::int AS "seven", 9007199254740993::int8 AS "big",
             ARRAY['a', 'b,c', NULL]::text[] AS "list", '{"k": [1, "x"]}'::jsonb AS "doc", '[true]'::json AS "plain",
             'v'::varchar AS "short", '2026-01-02T03:04:05.006Z'::timestamptz AS "zoned"
      FROM "user" u WHERE u."id" = ${id}`;
    const viaPrisma = await db.prisma.$queryRaw<unknown[]>(query);
    const { result, count } = await recorder.count(() => readRows<Record<string, unknown>>(db.prisma, query));
    expect(result).toEqual(viaPrisma);
    expect(result[0]).toMatchObject({
      createdAt,
      emailVerified: true,
      big: 9007199254740993n,
      list: ["a", "b,c", null],
    });
    expect(count).toMatchObject({ statements: 1, transactions: 0 });
    expect(readsDirectly(db.prisma)).toBe(kind === "postgres");
  });

  it("inside a transaction it is the transaction's own $queryRaw", async () => {
    const rows = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL statement_timeout = 1234`;
      return readRows<{ timeout: string }>(tx, Prisma.sql`SELECT current_setting('statement_timeout') AS "timeout"`);
    });
    expect(rows[0]!.timeout).toBe("1234ms");
    await db.prisma.$transaction(async (tx) => expect(readsDirectly(tx)).toBe(false));
  });

  it.runIf(kind === "postgres")(
    "refuses a column it would not convert as $queryRaw does, and Date parameters",
    async () => {
      await expect(readRows(db.prisma, Prisma.sql`SELECT 1.5::numeric AS "n"`)).rejects.toThrow(/column "n"/);
      await expect(readRows(db.prisma, Prisma.sql`SELECT ${new Date()}::timestamp AS "t"`)).rejects.toThrow(
        /parameters/,
      );
    },
  );
});
