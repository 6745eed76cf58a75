import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startPostgresServer, type PostgresServer } from "@tenancy/testing/postgres-server";

import { openDatabase, type DatabaseHandle, type DatabaseTarget } from "../src/connect";
import { applyMigrations, readMigrations } from "../src/migrate";
import { migrationsDir } from "../src/paths";

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(async () => {
  await server?.stop();
});

let databaseCounter = 0;
async function freshTarget(kind: "pglite" | "postgres"): Promise<DatabaseTarget> {
  if (kind === "pglite") return { kind: "pglite" };
  const name = `migrate_${process.pid}_${++databaseCounter}`;
  const admin = await openDatabase({ kind: "postgres", url: server.url, poolSize: 1 });
  await admin.sql.exec(`CREATE DATABASE ${name}`);
  await admin.close();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return { kind: "postgres", url: url.toString() };
}

function copyOfMigrations(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tenancy-migrations-"));
  cpSync(migrationsDir(), dir, { recursive: true });
  return dir;
}

describe.each(["pglite", "postgres"] as const)("migrator on %s", (kind) => {
  let db: DatabaseHandle;
  afterAll(async () => {
    await db?.close();
  });

  it("applies every committed migration once, with Prisma-compatible bookkeeping", async () => {
    db = await openDatabase(await freshTarget(kind));
    const first = await db.migrate();
    const committed = readMigrations();
    expect(first.applied).toEqual(committed.map((m) => m.name));
    const second = await db.migrate();
    expect(second).toEqual({ applied: [], alreadyApplied: committed.map((m) => m.name) });

    const rows = await db.sql.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(committed.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(committed[i]!.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    // The schema is really there and usable through Prisma.
    await db.prisma.user.create({ data: { id: "u1", name: "A", email: "a@example.com" } });
    expect(await db.prisma.user.count()).toBe(1);
  });

  it("applies a new migration later, and refuses an edited one", async () => {
    const dir = copyOfMigrations();
    try {
      const handle = await openDatabase(await freshTarget(kind));
      try {
        await applyMigrations(handle.sql, dir);
        mkdirSync(path.join(dir, "29990101000000_add_note"));
        writeFileSync(
          path.join(dir, "29990101000000_add_note", "migration.sql"),
          `ALTER TABLE "organization" ADD COLUMN "note" TEXT;`,
        );
        const next = await applyMigrations(handle.sql, dir);
        expect(next.applied).toEqual(["29990101000000_add_note"]);

        appendFileSync(path.join(dir, "29990101000000_add_note", "migration.sql"), "\n-- edited after the fact\n");
        await expect(applyMigrations(handle.sql, dir)).rejects.toThrow(/modified after it was applied/);
      } finally {
        await handle.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rolls back a failing migration entirely and records nothing for it", async () => {
    const dir = copyOfMigrations();
    try {
      const handle = await openDatabase(await freshTarget(kind));
      try {
        await applyMigrations(handle.sql, dir);
        mkdirSync(path.join(dir, "29990101000000_broken"));
        writeFileSync(
          path.join(dir, "29990101000000_broken", "migration.sql"),
          `CREATE TABLE "half_done" ("id" TEXT);\nALTER TABLE "no_such_table" ADD COLUMN "x" TEXT;`,
        );
        await expect(applyMigrations(handle.sql, dir)).rejects.toThrow(/29990101000000_broken failed/);
        const leftovers = await handle.sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'half_done'`,
        );
        expect(leftovers[0]!.n).toBe(0);
        const recorded = await handle.sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`,
        );
        expect(recorded[0]!.n).toBe(0);
      } finally {
        await handle.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("several instances starting at once (PostgreSQL)", () => {
  it("migrate exactly once under the advisory lock", async () => {
    const target = await freshTarget("postgres");
    const instances = await Promise.all(Array.from({ length: 4 }, () => openDatabase(target)));
    try {
      const results = await Promise.all(instances.map((db) => db.migrate()));
      const appliedCounts = results.map((r) => r.applied.length);
      expect(appliedCounts.filter((n) => n > 0)).toHaveLength(1);
      const rows = await instances[0]!.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
      expect(rows[0]!.n).toBe(readMigrations().length);
    } finally {
      await Promise.all(instances.map((db) => db.close()));
    }
  });
});
