import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startPostgresServer, type PostgresServer } from "@tenancy/testing/postgres-server";

import { openDatabase, type DatabaseHandle } from "../src/connect";
import { Prisma } from "../src/client";
import { queryRows, readsDirectly } from "../src/directRead";
import { isUniqueViolation } from "../src/errors";
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

describe("queryRows on PostgreSQL", () => {
  /** The prepared statements queryRows left on the one connection of a fresh handle. */
  async function preparedAfterTwoRuns(url: string): Promise<number> {
    const db = await openDatabase({ kind: "postgres", url, poolSize: 1 });
    try {
      for (let i = 0; i < 2; i++) await queryRows(db.prisma, Prisma.sql`SELECT ${i}::int AS "n"`);
      const [row] = await queryRows<{ n: number }>(
        db.prisma,
        Prisma.sql`SELECT count(*)::int AS "n" FROM pg_prepared_statements WHERE "name" LIKE 'tenancy_%'`,
      );
      return row!.n;
    } finally {
      await db.close();
    }
  }

  it("prepares each text once per connection, unless the URL says pgbouncer=true", async () => {
    expect(await preparedAfterTwoRuns(server.url)).toBe(2);
    const url = new URL(server.url);
    url.searchParams.set("pgbouncer", "true");
    expect(await preparedAfterTwoRuns(url.toString())).toBe(0);
  });
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

  // queryRows (directRead.ts) must give what $queryRaw gives (PGlite goes through $queryRaw itself) and be
  // counted like any other statement.
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
    const { result, count } = await recorder.count(() => queryRows<Record<string, unknown>>(db.prisma, query));
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
      return queryRows<{ timeout: string }>(tx, Prisma.sql`SELECT current_setting('statement_timeout') AS "timeout"`);
    });
    expect(rows[0]!.timeout).toBe("1234ms");
    await db.prisma.$transaction(async (tx) => expect(readsDirectly(tx)).toBe(false));
  });

  it.runIf(kind === "postgres")(
    "refuses a column it would not convert as $queryRaw does, and object parameters",
    async () => {
      await expect(queryRows(db.prisma, Prisma.sql`SELECT 1.5::numeric AS "n"`)).rejects.toThrow(/column "n"/);
      await expect(queryRows(db.prisma, Prisma.sql`SELECT ${Buffer.from("x")}::bytea AS "b"`)).rejects.toThrow(
        /parameters/,
      );
    },
  );

  it("takes Date parameters as $queryRaw does, into columns without a time zone and with one", async () => {
    const at = new Date("2026-07-08T09:10:11.012Z");
    const query = Prisma.sql`SELECT ${at}::timestamp(3) AS "plain", ${at}::timestamptz AS "zoned",
      (${at}::timestamptz = '2026-07-08T09:10:11.012Z'::timestamptz) AS "same"`;
    const rows = await queryRows<{ plain: Date; zoned: Date; same: boolean }>(db.prisma, query);
    expect(rows).toEqual(await db.prisma.$queryRaw(query));
    expect(rows[0]).toEqual({ plain: at, zoned: at, same: true });
  });

  it("a write is its own transaction, counted as one; its unique violation is recognised", async () => {
    const id = randomUUID();
    const insert = (name: string) =>
      queryRows<{ id: string }>(
        db.prisma,
        Prisma.sql`INSERT INTO "user" ("id", "name", "email", "createdAt", "updatedAt")
          VALUES (${id}, ${name}, ${`${id}@example.com`}, ${new Date()}, ${new Date()}) RETURNING "id"`,
      );
    const { result, count } = await recorder.count(() => insert("A"));
    expect(result).toEqual([{ id }]);
    expect(count).toMatchObject({ statements: 1, transactions: 0, autocommitWrites: 1 });
    const failure = await insert("B").then(
      () => null,
      (error: unknown) => error,
    );
    expect(isUniqueViolation(failure)).toBe(true);
    // The same text again and again (a prepared statement on PostgreSQL): each run with its own values.
    for (let i = 0; i < 8; i++) {
      const rows = await queryRows<{ n: number }>(db.prisma, Prisma.sql`SELECT ${i}::int + 1 AS "n"`);
      expect(rows).toEqual([{ n: i + 1 }]);
    }
  });
});
