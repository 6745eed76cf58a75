import { existsSync } from "node:fs";
import path from "node:path";

import pg from "pg";

import { openDatabase } from "./connect";
import { copyDatabase, CopyRefusedError, listTables, type CopyReport } from "./copyDatabase";
import { applyMigrations, type SqlExecutor } from "./migrate";

export interface MoveOptions {
  /** The embedded database's directory (`<TENANCY_DATA_DIR>/pglite`). */
  sourceDir: string;
  /** The PostgreSQL database to move into: empty (migrated or not). */
  targetUrl: string;
  /** Defaults to the committed prisma/migrations. */
  migrationsDir?: string;
  log?: (line: string) => void;
}

export interface MoveReport extends CopyReport {
  /** Migrations applied to the source and the target before the copy (both end up at the same ones). */
  migrated: { source: string[]; target: string[] };
}

function sessionOf(client: pg.Client): SqlExecutor {
  return {
    exec: async (text) => {
      await client.query(text);
    },
    query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[],
  };
}

/**
 * `pnpm db:move-to-postgres`: the embedded database into an empty PostgreSQL database. Both are
 * first brought to the committed migrations (what starting the server or `pnpm db:migrate` would
 * do), then every table is copied and verified in one transaction on the target. Refuses, before
 * writing anything, a target with rows or with tables the embedded database does not have, and an
 * embedded database that a running server holds.
 */
export async function moveEmbeddedToPostgres(options: MoveOptions): Promise<MoveReport> {
  const log = options.log ?? (() => {});
  if (!existsSync(path.join(options.sourceDir, "PG_VERSION")))
    throw new CopyRefusedError(`There is no embedded database at ${options.sourceDir} (set TENANCY_DATA_DIR?).`);

  // Takes the data directory's lock: refused while a server uses it.
  const source = await openDatabase({ kind: "pglite", dataDir: options.sourceDir });
  const client = new pg.Client({ connectionString: options.targetUrl });
  try {
    await client.connect();
    const target = sessionOf(client);

    // Before touching the target: it may only hold (empty) tables of ours.
    const sourceTables = new Set(await listTables(source.sql));
    const foreign: string[] = [];
    const filled: string[] = [];
    for (const table of await listTables(target)) {
      if (!sourceTables.has(table)) foreign.push(table);
      else if (
        (await target.query<{ present: boolean }>(`SELECT EXISTS (SELECT 1 FROM "${table}") AS present`))[0]?.present
      )
        filled.push(table);
    }
    if (foreign.length > 0)
      throw new CopyRefusedError(
        `The target database has tables Tenancy does not (${foreign.join(", ")}): use a new, empty database.`,
      );
    if (filled.length > 0)
      throw new CopyRefusedError(
        `The target database is not empty (rows in ${filled.join(", ")}): moving into it could mix two datasets. ` +
          "Use a new, empty database.",
      );

    const migrated = {
      source: (await applyMigrations(source.sql, options.migrationsDir)).applied,
      target: (await applyMigrations(target, options.migrationsDir)).applied,
    };
    if (migrated.source.length) log(`Applied ${migrated.source.length} pending migration(s) to the embedded database.`);
    if (migrated.target.length) log(`Applied ${migrated.target.length} migration(s) to the target database.`);

    log("Copying and verifying every table in one transaction:");
    const report = await copyDatabase(source.sql, target, { log });
    return { ...report, migrated };
  } finally {
    await client.end().catch(() => undefined);
    await source.close();
  }
}
