import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

import { startPostgresServer, type PostgresServer } from "../src/postgres-server";

describe("startPostgresServer", () => {
  let server: PostgresServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it("starts a server that accepts connections, and stop() removes it", async () => {
    server = await startPostgresServer();
    expect(server.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);

    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const result = await client.query<{ one: number }>("select 1 as one");
      expect(result.rows).toEqual([{ one: 1 }]);
      const fsync = await client.query<{ fsync: string }>("show fsync");
      expect(fsync.rows[0]?.fsync).toBe("off");
    } finally {
      await client.end();
    }

    await server.stop();
    const after = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2000 });
    await expect(after.connect()).rejects.toThrow();
    await after.end().catch(() => undefined);
  }, 60_000);

  it("tells how to install PostgreSQL when the binaries are missing", async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), "no-pg-bin-"));
    const previous = process.env.PG_BIN;
    process.env.PG_BIN = empty;
    try {
      await expect(startPostgresServer()).rejects.toThrow(/apt-get install -y postgresql/);
    } finally {
      if (previous === undefined) delete process.env.PG_BIN;
      else process.env.PG_BIN = previous;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
