// `pnpm db:check-drift`: fails when prisma/schema.prisma and the committed SQL migrations disagree.
//
// 1. Starts a throwaway PostgreSQL (@tenancy/testing) and applies prisma/migrations with our own
//    migrator (@tenancy/db/migrate, the code behind openDatabase(...).migrate()).
// 2. Asks Prisma what SQL would turn that database into what the schema describes:
//    `prisma migrate diff --script --exit-code`. Empty = no drift.
//
// Prisma 7's CLI cannot diff offline (it needs a native schema engine that cannot be downloaded here),
// so this uses prisma@6.19.3 with `engine: "js"` + @prisma/adapter-pg (WASM schema engine); see
// prisma.config.ts. With an adapter, Prisma 6 refuses `--from-url`; `--from-migrations` is allowed and
// uses the adapter's database as its shadow database without resetting it. So we give it an EMPTY
// migrations folder: it applies nothing and describes the database we migrated, which is exactly a
// `--from-url` diff. (If a Prisma upgrade ever reset that database first, every table would show up
// in the diff and the check would fail loudly, not pass silently; we also verify our bookkeeping
// rows survived.)
//
// Usage: tsx src/check-drift.ts [--schema <schema.prisma>] [--migrations <migrations dir>]
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { applyMigrations, readMigrations } from "@tenancy/db/migrate";
import { startPostgresServer, type PostgresServer } from "@tenancy/testing/postgres-server";
import pg from "pg";

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, "..");
const workspaceRoot = path.resolve(packageDir, "../..");

function parseArgs(argv: string[]): { schema: string; migrations: string } {
  const options = {
    schema: path.join(workspaceRoot, "prisma", "schema.prisma"),
    migrations: path.join(workspaceRoot, "prisma", "migrations"),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if ((arg === "--schema" || arg === "--migrations") && value) {
      options[arg === "--schema" ? "schema" : "migrations"] = path.resolve(value);
      i++;
    } else if (arg === "--help" || arg === "-h") {
      console.log("usage: check-drift [--schema <schema.prisma>] [--migrations <migrations dir>]");
      process.exit(0);
    } else {
      console.error(`check-drift: unexpected argument ${arg}`);
      process.exit(1);
    }
  }
  return options;
}

/**
 * The schema rewritten for the Prisma 6 CLI: one `prisma-client-js` generator (Prisma 7's
 * `prisma-client` options are not Prisma 6's) and a datasource with a `url` (required by Prisma 6,
 * unused because the adapter connects). The original generator and datasource blocks are blanked
 * and the new ones appended, so Prisma's error messages keep the original line numbers.
 */
function schemaForPrisma6(schema: string, url: string): string {
  const blank = (block: string) => block.replace(/[^\n]/g, "");
  let datasource: string[] | undefined;
  const body = schema
    .replace(/^generator\s+\w+\s*\{[\s\S]*?^\}/gm, blank)
    .replace(/^datasource\s+\w+\s*\{([\s\S]*?)^\}/gm, (block, inner: string) => {
      // Keeps provider (and e.g. schemas/extensions); drops connection settings.
      datasource ??= inner
        .split("\n")
        .filter((line) => line.trim() && !/^\s*(url|directUrl|shadowDatabaseUrl)\s*=/.test(line));
      return blank(block);
    });
  if (!datasource) throw new Error("check-drift: the schema has no datasource block");
  return [
    body.trimEnd(),
    "",
    "// Added by check-drift for the Prisma 6 CLI.",
    "generator client {",
    '  provider = "prisma-client-js"',
    "}",
    "",
    "datasource db {",
    ...datasource,
    `  url = ${JSON.stringify(url)}`,
    "}",
    "",
  ].join("\n");
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runPrisma6(args: string[], env: Record<string, string>): Promise<CliResult> {
  const require = createRequire(import.meta.url);
  const cli = path.join(path.dirname(require.resolve("prisma/package.json")), "build", "index.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: packageDir,
      env: {
        ...process.env,
        // No native engines exist offline; the WASM schema engine does the work. These only have to
        // point at an executable so the CLI does not try to download them.
        PRISMA_QUERY_ENGINE_LIBRARY: "/bin/true",
        PRISMA_SCHEMA_ENGINE_BINARY: "/bin/true",
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
        PRISMA_TELEMETRY_INFORMATION: "tenancy check-drift",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Prisma prints "Loaded Prisma config from ..." and similar chatter on stdout before the SQL. */
function sqlOnly(stdout: string): string {
  return stdout
    .split("\n")
    .filter((line) => !/^(Loaded Prisma config from|Prisma config detected|Prisma schema loaded from)/.test(line))
    .join("\n")
    .trim();
}

async function main(): Promise<number> {
  const { schema, migrations } = parseArgs(process.argv.slice(2));
  const relative = (file: string) =>
    file.startsWith(workspaceRoot + path.sep) ? path.relative(workspaceRoot, file) : file;
  const migrationCount = readMigrations(migrations).length;
  console.log(`Checking ${relative(schema)} against ${migrationCount} migration(s) in ${relative(migrations)}`);

  const tmp = mkdtempSync(path.join(os.tmpdir(), "tenancy-drift-"));
  let server: PostgresServer | undefined;
  try {
    server = await startPostgresServer();
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const result = await applyMigrations(
        {
          exec: async (text) => {
            await client.query(text);
          },
          query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[],
        },
        migrations,
      );
      console.log(`Applied ${result.applied.length} migration(s) to a temporary PostgreSQL.`);

      const schemaCopy = path.join(tmp, "schema.prisma");
      writeFileSync(schemaCopy, schemaForPrisma6(readFileSync(schema, "utf8"), server.url));
      const emptyMigrations = emptyMigrationsDir(path.join(tmp, "no-migrations"));

      const diff = await runPrisma6(
        [
          "migrate",
          "diff",
          "--config",
          path.join(packageDir, "prisma.config.ts"),
          "--from-migrations",
          emptyMigrations,
          "--to-schema-datamodel",
          schemaCopy,
          "--script",
          "--exit-code",
        ],
        { DRIFT_DATABASE_URL: server.url, DRIFT_SCHEMA: schemaCopy },
      );

      // Guard against Prisma having reset the database instead of describing it (see the top comment).
      const [{ count } = { count: "0" }] = (
        await client.query<{ count: string }>(
          `SELECT count(*)::text AS count FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`,
        )
      ).rows;
      if (Number(count) !== migrationCount) {
        throw new Error("prisma migrate diff did not describe the migrated database; the check cannot be trusted.");
      }

      if (diff.code === 0) {
        console.log("No drift: the migrations produce exactly the database the schema describes.");
        return 0;
      }
      if (diff.code === 2) {
        console.error(
          [
            "",
            `DRIFT: ${relative(schema)} and the migrations in ${relative(migrations)} disagree.`,
            "This SQL would turn the database the migrations build into what the schema describes:",
            "",
            "----------------------------------------------------------------------",
            sqlOnly(diff.stdout),
            "----------------------------------------------------------------------",
            "",
            `Fix: add a new migration (${relative(migrations)}/<yyyymmddhhmmss>_<name>/migration.sql) with the SQL`,
            "above, or change the schema back. Never edit a migration that has been applied somewhere.",
          ].join("\n"),
        );
        return 1;
      }
      throw new Error(
        `prisma migrate diff failed (exit ${diff.code}):\n${[diff.stdout.trim(), diff.stderr.trim()].filter(Boolean).join("\n")}`,
      );
    } finally {
      await client.end();
    }
  } finally {
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** An empty migrations folder: Prisma needs the lock file to know its provider. */
function emptyMigrationsDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');
  return dir;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`check-drift failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
