import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startPostgresServer, type PostgresServer } from "@tenancy/testing/postgres-server";

import { backupDataDir, restoreDataDir } from "../src/backup";
import { openDatabase, type DatabaseHandle } from "../src/connect";
import { copyDatabase, CopyRefusedError } from "../src/copyDatabase";
import { DataDirInUseError, lockDataDir } from "../src/dataDirLock";
import { applyMigrations, readMigrations, type SqlExecutor } from "../src/migrate";
import { moveEmbeddedToPostgres } from "../src/moveToPostgres";
import { migrationsDir } from "../src/paths";

let server: PostgresServer;
const temp: string[] = [];
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(async () => {
  await server?.stop();
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tenancy-${prefix}-`));
  temp.push(dir);
  return dir;
}

let databases = 0;
async function emptyPostgresDatabase(): Promise<string> {
  const name = `move_${process.pid}_${++databases}`;
  const admin = await openDatabase({ kind: "postgres", url: server.url, poolSize: 1 });
  await admin.sql.exec(`CREATE DATABASE ${name}`);
  await admin.close();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A single pg session (copyDatabase needs one on each side). */
async function session(url: string): Promise<{ sql: SqlExecutor; end(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    sql: {
      exec: async (text) => {
        await client.query(text);
      },
      query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[],
    },
    end: () => client.end(),
  };
}

async function seed(db: DatabaseHandle, label: string) {
  await db.prisma.user.create({ data: { id: `u-${label}`, name: label, email: `${label}@example.com` } });
  // With a member: organization.memberCount (kept by a trigger) must travel as data, not be counted twice.
  // Every organization belongs to an instance: the default one, created when first needed.
  await db.prisma.organization.create({
    data: {
      handle: `org-${label}`,
      name: `Org ${label}`,
      memberships: { create: { userId: `u-${label}`, role: "owner" } },
      instance: { connectOrCreate: { where: { isDefault: true }, create: { name: "Default", isDefault: true } } },
    },
  });
  await db.prisma.auditEvent.create({
    data: { organizationId: "o", actorType: "user", actorId: "u", actorLabel: label, action: "test.seeded" },
  });
}

const snapshot = async (db: DatabaseHandle) => ({
  users: (await db.prisma.user.findMany({ orderBy: { id: "asc" }, select: { id: true, email: true } })).map(
    (u) => u.email,
  ),
  organizations: (await db.prisma.organization.findMany({ orderBy: { handle: "asc" }, select: { handle: true } })).map(
    (o) => o.handle,
  ),
  audit: (await db.prisma.auditEvent.findMany({ orderBy: { id: "asc" }, select: { id: true } })).map((a) => a.id),
});

describe("backup and restore of the embedded database", () => {
  it("round-trips: a restore brings back exactly the backed-up state, keeping what it replaced", async () => {
    const dataDir = path.join(tempDir("backup"), "pglite");
    const db = await openDatabase({ kind: "pglite", dataDir });
    await db.migrate();
    await seed(db, "ada");
    await seed(db, "bob");
    const before = await snapshot(db);
    await db.close();

    const file = path.join(tempDir("backup-file"), "nested", "tenancy.tar.gz");
    const report = await backupDataDir(dataDir, file);
    expect(report.bytes).toBeGreaterThan(0);
    expect(report.tables.find((t) => t.name === "user")).toEqual({ name: "user", rows: 2 });
    await expect(backupDataDir(dataDir, file)).rejects.toThrow(/already exists/);

    // Life goes on after the backup...
    const later = await openDatabase({ kind: "pglite", dataDir });
    await later.prisma.user.delete({ where: { id: "u-ada" } });
    await seed(later, "carol");
    expect((await snapshot(later)).users).toEqual(["bob@example.com", "carol@example.com"]);
    await later.close();

    // ...then the backup comes back.
    const restored = await restoreDataDir(file, dataDir);
    expect(restored.tables.find((t) => t.name === "organization")).toEqual({ name: "organization", rows: 2 });
    expect(restored.previousDir).toMatch(/pglite\.before-restore-/);
    expect(existsSync(path.join(restored.previousDir!, "PG_VERSION"))).toBe(true);

    const again = await openDatabase({ kind: "pglite", dataDir });
    try {
      expect(await snapshot(again)).toEqual(before);
      // The audit id sequence is where it was at the backup.
      const next = await again.prisma.auditEvent.create({
        data: { organizationId: "o", actorType: "user", actorId: "u", actorLabel: "x", action: "after.restore" },
        select: { id: true },
      });
      expect(next.id).toBe(before.audit.at(-1)! + 1n);
    } finally {
      await again.close();
    }
  });

  it("refuses, with the holder named, while the database is open; a corrupt backup changes nothing", async () => {
    const dataDir = path.join(tempDir("busy"), "pglite");
    const db = await openDatabase({ kind: "pglite", dataDir });
    await db.migrate();
    await seed(db, "dan");
    const file = path.join(tempDir("busy-file"), "b.tar.gz");
    try {
      await expect(backupDataDir(dataDir, file)).rejects.toThrow(DataDirInUseError);
      await expect(backupDataDir(dataDir, file)).rejects.toThrow(
        new RegExp(`in use by another process \\(pid ${process.pid}`),
      );
      await expect(restoreDataDir(file, dataDir)).rejects.toThrow(/no backup/);
      // A second opener (a second server, `pnpm db:migrate`) is refused too.
      await expect(openDatabase({ kind: "pglite", dataDir })).rejects.toThrow(DataDirInUseError);
    } finally {
      await db.close();
    }
    expect(existsSync(file)).toBe(false);

    const corrupt = path.join(tempDir("corrupt"), "corrupt.tar.gz");
    writeFileSync(corrupt, "not a backup");
    await expect(restoreDataDir(corrupt, dataDir)).rejects.toThrow();
    const intact = await openDatabase({ kind: "pglite", dataDir });
    try {
      expect((await snapshot(intact)).users).toEqual(["dan@example.com"]);
    } finally {
      await intact.close();
    }
  });

  it("refuses while another process holds the database, and takes over once that process is killed -9", async () => {
    const dataDir = path.join(tempDir("server"), "pglite");
    const db = await openDatabase({ kind: "pglite", dataDir });
    await db.migrate();
    await seed(db, "eve");
    await db.close();

    const tsx = createRequire(import.meta.url).resolve("tsx");
    const holder: ChildProcess = spawn(
      process.execPath,
      ["--import", tsx, path.join(import.meta.dirname, "fixtures", "hold-data-dir.ts"), dataDir],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
        holder.on("exit", (code) => reject(new Error(`the holder exited early (${code})`)));
      });
      const file = path.join(tempDir("server-file"), "b.tar.gz");
      await expect(backupDataDir(dataDir, file)).rejects.toThrow(
        new RegExp(`in use by another process \\(pid ${holder.pid}, hold-data-dir\\.ts\\)`),
      );
      holder.kill("SIGKILL");
      await new Promise((resolve) => holder.once("exit", resolve));
      // The dead holder's socket file is still there; nobody answers on it, so it is taken over.
      expect(existsSync(`${dataDir}.lock`)).toBe(true);
      const report = await backupDataDir(dataDir, file);
      expect(report.tables.find((t) => t.name === "user")).toEqual({ name: "user", rows: 1 });
    } finally {
      holder.kill("SIGKILL");
    }
  });

  it("a lock is exclusive until released, then free", async () => {
    const dir = path.join(tempDir("lock"), "pglite");
    mkdirSync(dir, { recursive: true });
    const lock = await lockDataDir(dir, "first");
    await expect(lockDataDir(dir, "second")).rejects.toThrow(/pid \d+, first\)/);
    await lock.release();
    const next = await lockDataDir(dir, "second");
    await next.release();

    // Too deep for a Unix socket path beside it: the lock lives in the temp folder, just as exclusive.
    const deep = path.join(tempDir("lock"), "a-rather-long-folder-name".repeat(4), "pglite");
    mkdirSync(deep, { recursive: true });
    const deepLock = await lockDataDir(deep, "deep");
    expect(existsSync(`${deep}.lock`)).toBe(false);
    await expect(lockDataDir(deep, "again")).rejects.toThrow(/pid \d+, deep\)/);
    await deepLock.release();
  });
});

// A later migration, as a future version of Tenancy might add: identity ids, a self-reference,
// JSON, arrays, bytes, exact numbers, a generated column. The copier must need no change for it.
const FUTURE_MIGRATION = `
CREATE TABLE "folder" (
  "id" INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "parentId" INTEGER REFERENCES "folder"("id"),
  "name" TEXT NOT NULL,
  "tags" TEXT[],
  "meta" JSONB,
  "blob" BYTEA,
  "price" NUMERIC(12, 4),
  "seenAt" TIMESTAMPTZ,
  "slug" TEXT GENERATED ALWAYS AS (lower("name")) STORED
);`;

function migrationsWithFuture(): string {
  const dir = tempDir("migrations");
  cpSync(migrationsDir(), dir, { recursive: true });
  mkdirSync(path.join(dir, "29990101000000_folders"));
  writeFileSync(path.join(dir, "29990101000000_folders", "migration.sql"), FUTURE_MIGRATION);
  return dir;
}

describe("copyDatabase", () => {
  it("copies tables it has never heard of, self-references, every type and the sequences exactly", async () => {
    const migrations = migrationsWithFuture();
    const source = await openDatabase({ kind: "pglite" });
    const targetUrl = await emptyPostgresDatabase();
    const target = await session(targetUrl);
    try {
      await applyMigrations(source.sql, migrations);
      await applyMigrations(target.sql, migrations);
      await seed(source, "fay");
      // Children point at parents inserted after them: no insertion order satisfies the reference.
      await source.sql.exec(`
        INSERT INTO "folder" ("id", "parentId", "name", "tags", "meta", "blob", "price", "seenAt") OVERRIDING SYSTEM VALUE VALUES
          (1, NULL, 'Root', '{a,"b c","q\\"uote",NULL}', '{"k": [1, 2.5, "x"], "n": null}', '\\x00ff10', 12.3400, '2026-01-02 03:04:05.123456+02'),
          (2, 3, 'Child', '{}', '"just a string"', NULL, -0.0001, NULL),
          (3, 1, 'Middle ''quoted''', NULL, NULL, '\\x', 99999999.9999, '1999-12-31 23:59:59+00');
        SELECT setval('"folder_id_seq"', 10);`);
      // Audit ids with a gap: the target must continue after the gap, not fill it.
      await source.sql.exec(`DELETE FROM "audit_event"; SELECT setval('"audit_event_id_seq"', 41);`);
      await seed(source, "gus");

      const lines: string[] = [];
      const report = await copyDatabase(source.sql, target.sql, { batchSize: 2, log: (l) => lines.push(l) });
      expect(report.tables.find((t) => t.name === "folder")).toMatchObject({ rows: 3 });
      expect(report.tables.find((t) => t.name === "audit_event")).toMatchObject({ rows: 1 });
      expect(report.sequences).toEqual(
        expect.arrayContaining([
          { name: "folder_id_seq", lastValue: "10", isCalled: true },
          { name: "audit_event_id_seq", lastValue: "42", isCalled: true },
        ]),
      );
      expect(lines.some((l) => l.includes("folder: 3 rows"))).toBe(true);
      const counts = `SELECT "handle", "memberCount" FROM "organization" ORDER BY "handle"`;
      expect(await target.sql.query(counts)).toEqual([
        { handle: "org-fay", memberCount: 1 },
        { handle: "org-gus", memberCount: 1 },
      ]);
      // The counting triggers are on again after the copy.
      await target.sql.exec(`DELETE FROM "membership" WHERE "userId" = 'u-fay'`);
      expect(await target.sql.query(counts)).toEqual([
        { handle: "org-fay", memberCount: 0 },
        { handle: "org-gus", memberCount: 1 },
      ]);

      const read = `SELECT "id", "parentId", "name", "tags"::text, "meta"::text, encode("blob", 'hex') AS blob, "price"::text,
                           to_char("seenAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS seen, "slug"
                      FROM "folder" ORDER BY "id"`;
      expect(await target.sql.query(read)).toEqual(await source.sql.query(read));
      // Sequences continue where the source's were.
      expect(await target.sql.query(`SELECT nextval('"folder_id_seq"')::int AS id`)).toEqual([{ id: 11 }]);
      expect(await target.sql.query(`SELECT nextval('"audit_event_id_seq"')::int AS id`)).toEqual([{ id: 43 }]);
      // The self-reference is enforced again after the copy.
      await expect(
        target.sql.query(`INSERT INTO "folder" ("parentId", "name") VALUES (999, 'orphan')`),
      ).rejects.toThrow(/foreign key/);
    } finally {
      await target.end();
      await source.close();
    }
  });

  it("refuses a non-empty target and a target with other migrations, writing nothing", async () => {
    const source = await openDatabase({ kind: "pglite" });
    await source.migrate();
    await seed(source, "hal");

    const filledUrl = await emptyPostgresDatabase();
    const filled = await session(filledUrl);
    const otherUrl = await emptyPostgresDatabase();
    const other = await session(otherUrl);
    try {
      await applyMigrations(filled.sql);
      await filled.sql.exec(`INSERT INTO "rate_limit_bucket" ("key", "windowStart", "count") VALUES ('k', now(), 1)`);
      const error = await copyDatabase(source.sql, filled.sql).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CopyRefusedError);
      expect((error as Error).message).toMatch(/not empty \(rows in rate_limit_bucket\)/);
      expect(await filled.sql.query(`SELECT count(*)::int AS n FROM "user"`)).toEqual([{ n: 0 }]);

      await applyMigrations(other.sql, migrationsWithFuture());
      await expect(copyDatabase(source.sql, other.sql)).rejects.toThrow(
        /applied migrations differ \(only in the target: 29990101000000_folders/,
      );
      expect(await other.sql.query(`SELECT count(*)::int AS n FROM "user"`)).toEqual([{ n: 0 }]);
    } finally {
      await filled.end();
      await other.end();
      await source.close();
    }
  });
});

describe("moveEmbeddedToPostgres", () => {
  it("migrates an empty target and moves; refuses a database with other tables before touching it", async () => {
    const sourceDir = path.join(tempDir("move"), "pglite");
    const source = await openDatabase({ kind: "pglite", dataDir: sourceDir });
    await source.migrate();
    await seed(source, "ivy");
    await source.close();

    const foreignUrl = await emptyPostgresDatabase();
    const foreign = await session(foreignUrl);
    try {
      await foreign.sql.exec(`CREATE TABLE "invoices" ("id" INT)`);
      await expect(moveEmbeddedToPostgres({ sourceDir, targetUrl: foreignUrl })).rejects.toThrow(
        /has tables Tenancy does not \(invoices\)/,
      );
      expect(await foreign.sql.query(`SELECT to_regclass('public._prisma_migrations') IS NULL AS untouched`)).toEqual([
        { untouched: true },
      ]);
    } finally {
      await foreign.end();
    }

    const targetUrl = await emptyPostgresDatabase();
    const report = await moveEmbeddedToPostgres({ sourceDir, targetUrl });
    // Every committed migration was applied to the empty target.
    expect(report.migrated.target).toHaveLength(readMigrations().length);
    expect(report.tables.find((t) => t.name === "user")?.rows).toBe(1);
    const moved = await openDatabase({ kind: "postgres", url: targetUrl, poolSize: 1 });
    try {
      expect((await snapshot(moved)).users).toEqual(["ivy@example.com"]);
    } finally {
      await moved.close();
    }
    // The source is left as it was (and unlocked).
    const left = await openDatabase({ kind: "pglite", dataDir: sourceDir });
    await left.close();
    await expect(
      moveEmbeddedToPostgres({ sourceDir: path.join(tempDir("none"), "pglite"), targetUrl }),
    ).rejects.toThrow(/no embedded database/);
  });
});
