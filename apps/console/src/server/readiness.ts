import { readMigrations } from "@tenancy/db/migrate";

import { emailWorker } from "./emailWorker";
import { getRuntime } from "./runtime";

/**
 * Readiness (GET /api/ready): may this instance take traffic? The database answers, every committed
 * migration is applied to it, and the email worker is making progress. 200 or 503 with the checks,
 * for a load balancer and for a person. (Liveness, /api/health, is the front's and checks nothing.)
 */

type Check = { ok: true; [detail: string]: unknown } | { ok: false; error: string; [detail: string]: unknown };

export interface Readiness {
  status: "ready" | "not_ready";
  checks: { database: Check; migrations: Check; outboxWorker: Check };
}

const DATABASE_TIMEOUT_MS = 3_000;

// The committed migrations are files shipped with this build: read once.
let committed: string[] | undefined;
const committedMigrations = () => (committed ??= readMigrations().map((migration) => migration.name));

/** One line: Prisma's multi-line messages keep only the driver's own words. */
function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const driver = /Message: `([^`]*)`/.exec(text)?.[1];
  return (driver ?? text).replace(/\s+/g, " ").trim().slice(0, 300);
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000}s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function readiness(): Promise<Readiness> {
  let database: Check;
  let migrations: Check;
  try {
    const runtime = await withTimeout(getRuntime(), DATABASE_TIMEOUT_MS * 5, "opening the database");
    const started = performance.now();
    const applied = await withTimeout(
      runtime.database.prisma.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      DATABASE_TIMEOUT_MS,
      "the database",
    );
    database = {
      ok: true,
      kind: runtime.database.kind,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
    };
    const done = new Set(applied.map((row) => row.migration_name));
    const missing = committedMigrations().filter((name) => !done.has(name));
    migrations =
      missing.length === 0
        ? { ok: true, applied: done.size, committed: committedMigrations().length }
        : {
            ok: false,
            error: `${missing.length} committed migration(s) not applied: run pnpm db:migrate (or start with TENANCY_AUTO_MIGRATE=true)`,
            missing,
          };
  } catch (error) {
    // No bookkeeping table yet reads as "no migration applied".
    const text = message(error);
    if (/_prisma_migrations.*does not exist/.test(text)) {
      database = { ok: true };
      migrations = { ok: false, error: "the database has no migrations applied: run pnpm db:migrate" };
    } else {
      database = { ok: false, error: text };
      migrations = { ok: false, error: "unknown: the database did not answer" };
    }
  }

  const worker = emailWorker()?.status();
  const outboxWorker: Check = !worker
    ? { ok: false, error: "not started" }
    : worker.state === "off"
      ? { ok: true, state: "off", note: "SMTP_URL is not set: emails wait in the outbox" }
      : worker.alive
        ? { ok: true, state: worker.state, lastRoundSecondsAgo: worker.lastRoundAgeSeconds }
        : {
            ok: false,
            state: worker.state,
            error: `no delivery round finished for ${Math.round(worker.lastRoundAgeSeconds ?? 0)}s`,
          };

  const checks = { database, migrations, outboxWorker };
  return { status: Object.values(checks).every((check) => check.ok) ? "ready" : "not_ready", checks };
}
