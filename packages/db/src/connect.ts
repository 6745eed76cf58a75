import { mkdirSync } from "node:fs";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";

import { lockDataDir, type DataDirLock } from "./dataDirLock";
import { PrismaClient } from "./generated/prisma/client";
import { applyMigrations, type MigrationResult, type SqlExecutor } from "./migrate";
import { poolDirectReader, registerDirectReader } from "./directRead";
import { dataDir } from "./paths";
import { observeAdapter, type StatementListener } from "./statements";

// PGlite runs one transaction at a time, so a burst of concurrent requests queues: give waiters room.
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 20_000 };

export type DatabaseTarget =
  /** Embedded PostgreSQL in WASM. `dataDir` undefined = in memory (tests). */
  { kind: "pglite"; dataDir?: string } | { kind: "postgres"; url: string; poolSize?: number };

/** How busy the connections are, for metrics. */
export interface PoolStats {
  kind: DatabaseTarget["kind"];
  /** Most connections opened (1 for PGlite: one in-process session). */
  max: number;
  /** Connections open now. */
  total: number;
  /** Open connections doing nothing. */
  idle: number;
  /** Queries or transactions waiting for a connection (PGlite: queued behind the one running). */
  waiting: number;
}

export interface DatabaseHandle {
  kind: DatabaseTarget["kind"];
  prisma: PrismaClient;
  /** Raw SQL, for migrations and test resets; never used by request handlers. */
  sql: SqlExecutor;
  migrate(): Promise<MigrationResult>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}

/** DATABASE_URL selects PostgreSQL; without it the embedded database under the data directory is used. */
export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (url) return { kind: "postgres", url };
  return { kind: "pglite", dataDir: path.join(dataDir(), "pglite") };
}

export interface OpenDatabaseOptions {
  /** Sees every statement and transaction event Prisma sends (statement counting; see ./statements). */
  onStatement?: StatementListener;
}

export async function openDatabase(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  return target.kind === "pglite"
    ? openPglite(target.dataDir, options)
    : openPostgres(target.url, target.poolSize, options);
}

function withObserver<F extends { connect(): Promise<object> }>(factory: F, options: OpenDatabaseOptions): F {
  return options.onStatement ? observeAdapter(factory, options.onStatement) : factory;
}

async function openPglite(dir: string | undefined, options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  let lock: DataDirLock | undefined;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    // One process at a time: PGlite has no lock of its own and two would corrupt the directory.
    lock = await lockDataDir(dir, path.basename(process.argv[1] ?? "node"));
  }
  let client: PGlite;
  try {
    client = await PGlite.create(dir ? { dataDir: dir } : {});
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const pending = countPending(client);
  const adapter = withObserver(new PrismaPGlite(client), options);
  const prisma = new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });
  const sql: SqlExecutor = {
    exec: async (text) => {
      await client.exec(text);
    },
    query: async <Row>(text: string, params?: unknown[]) => (await client.query<Row>(text, params)).rows,
  };
  return {
    kind: "pglite",
    prisma,
    sql,
    migrate: () => applyMigrations(sql),
    poolStats: () => ({
      kind: "pglite",
      max: 1,
      total: 1,
      idle: pending.count === 0 ? 1 : 0,
      waiting: Math.max(0, pending.count - 1),
    }),
    close: async () => {
      await prisma.$disconnect();
      // Prisma does not close PGlite; without this the process lingers.
      await client.close();
      await lock?.release();
    },
  };
}

async function openPostgres(url: string, poolSize = 10, options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const adapter = withObserver(new PrismaPg(pool), options);
  const prisma = new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });
  // Behind PgBouncer in transaction mode (before 1.21) a connection's prepared statements are not its own.
  const prepare = new URL(url).searchParams.get("pgbouncer") !== "true";
  registerDirectReader(prisma, poolDirectReader(pool, pg.types, options.onStatement, { prepare }));
  // Migrations need one session for the advisory lock and BEGIN/COMMIT, so they get a dedicated client.
  const migrate = async () => {
    const client = await pool.connect();
    try {
      return await applyMigrations({
        exec: async (text) => {
          await client.query(text);
        },
        query: async <Row>(text: string, params?: unknown[]) =>
          (await client.query(text, params as unknown[])).rows as Row[],
      });
    } finally {
      client.release();
    }
  };
  const sql: SqlExecutor = {
    exec: async (text) => {
      await pool.query(text);
    },
    query: async <Row>(text: string, params?: unknown[]) => (await pool.query(text, params as unknown[])).rows as Row[],
  };
  return {
    kind: "postgres",
    prisma,
    sql,
    migrate,
    poolStats: () => ({
      kind: "postgres",
      max: poolSize,
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

/**
 * Counts the operations PGlite has been asked for and not finished: it runs one at a time, so all
 * but one of them wait. Its top-level `query`, `exec` and `transaction` are what Prisma's adapter
 * and our migrator call.
 */
function countPending(client: PGlite): { readonly count: number } {
  const state = { count: 0 };
  const counted =
    <Args extends unknown[], Result>(run: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      state.count += 1;
      try {
        return await run(...args);
      } finally {
        state.count -= 1;
      }
    };
  client.query = counted(client.query.bind(client)) as PGlite["query"];
  client.exec = counted(client.exec.bind(client)) as PGlite["exec"];
  client.transaction = counted(client.transaction.bind(client)) as PGlite["transaction"];
  return state;
}
