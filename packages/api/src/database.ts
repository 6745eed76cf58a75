import { openDatabase, targetFromEnv, type DatabaseHandle } from "@tenancy/db/connect";
import { getLogger } from "@tenancy/observability/logger";

/**
 * The server process's database, opened once. The embedded database is migrated at start (zero
 * configuration); PostgreSQL is migrated with `pnpm db:migrate`, or at start with TENANCY_AUTO_MIGRATE=true.
 */
const globalForDb = globalThis as unknown as { __tenancyDatabase?: Promise<DatabaseHandle> };

export function getServerDatabase(): Promise<DatabaseHandle> {
  if (globalForDb.__tenancyDatabase) return globalForDb.__tenancyDatabase;
  const opening = (async () => {
    const log = getLogger("db");
    const target = targetFromEnv();
    const handle = await openDatabase(target);
    if (target.kind === "pglite" || process.env.TENANCY_AUTO_MIGRATE === "true") {
      const result = await handle.migrate();
      if (result.applied.length > 0)
        log.info(`applied ${result.applied.length} migration(s): ${result.applied.join(", ")}`);
    }
    log.debug(target.kind === "pglite" ? `embedded PGlite at ${target.dataDir}` : "PostgreSQL (DATABASE_URL)");
    return handle;
  })();
  globalForDb.__tenancyDatabase = opening;
  // A database that is down now may be up for the next request: forget a failed attempt.
  opening.catch(() => {
    if (globalForDb.__tenancyDatabase === opening) globalForDb.__tenancyDatabase = undefined;
  });
  return opening;
}
