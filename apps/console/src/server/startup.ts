import { apiConfigFromEnv } from "@tenancy/api/config";
import { outboxStats } from "@tenancy/api/email-delivery";
import { targetFromEnv } from "@tenancy/db/connect";
import { getLogger } from "@tenancy/observability/logger";

import { publishApiFront } from "../../front/api-front.mjs";
import { apiEndpointOf, serveApiRequest } from "./api-front";
import { publishAppBridge, type AppMetrics } from "../../front/app-bridge.mjs";
import { describeMailDelivery, emailWorker, mailSettings, startEmailWorker } from "./emailWorker";
import { getRuntime, serverKeys, type ServerRuntime } from "./runtime";

/**
 * Start-up checks and warm-up: a missing production secret, license signing key or public URL (or an invalid setting)
 * stops the server here with a clear message (not on the first request), the database is opened
 * (and, embedded, migrated) before the first request, the outbox worker starts, and the HTTP front
 * is handed what it needs for its start line, metrics and shutdown (front/app-bridge.mjs).
 */
export async function startServer(): Promise<void> {
  const log = getLogger("tenancy");
  let runtime;
  try {
    apiConfigFromEnv(serverKeys());
    mailSettings();
    runtime = await getRuntime();
  } catch (error) {
    log.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  startEmailWorker(runtime);
  // From now on the front hands /v1 and /api/trpc straight to their handlers (not in development,
  // where Next reloads the route files that call them).
  publishApiFront({ endpointOf: apiEndpointOf, serve: serveApiRequest });
  publishAppBridge({
    describe: () => ({
      database: describeDatabase(),
      mail: describeMailDelivery(runtime.config.publicUrl),
    }),
    collectMetrics: () => collectMetrics(runtime),
    shutdown: ({ timeoutMs }) => shutdown(runtime, timeoutMs),
  });
}

/** The database in use, without credentials: the embedded one's folder, or PostgreSQL's host and database. */
function describeDatabase(): string {
  const target = targetFromEnv();
  if (target.kind === "pglite") return `embedded PGlite in ${target.dataDir}`;
  try {
    const url = new URL(target.url);
    const user = url.username ? `${decodeURIComponent(url.username)}@` : "";
    return `PostgreSQL ${user}${url.hostname || "localhost"}${url.port ? `:${url.port}` : ""}${url.pathname}`;
  } catch {
    return "PostgreSQL (DATABASE_URL)";
  }
}

async function collectMetrics(runtime: ServerRuntime): Promise<AppMetrics> {
  const outbox = await outboxStats(runtime.database.prisma).catch(() => null);
  const worker = emailWorker()?.status() ?? {
    state: "off" as const,
    lastRoundAgeSeconds: null,
    alive: false,
    deliveries: { sent: 0, retrying: 0, failed: 0, released: 0 },
  };
  return { database: runtime.database.poolStats(), outbox, worker };
}

/** The app's part of a graceful stop, once no request is running: the worker, then the database. */
async function shutdown(runtime: ServerRuntime, timeoutMs: number): Promise<void> {
  const log = getLogger("tenancy");
  await emailWorker()?.stop(timeoutMs);
  log.debug("email worker stopped");
  await runtime.database.close();
  log.info(`database closed (${runtime.database.kind === "pglite" ? "embedded PGlite" : "PostgreSQL pool"})`);
}
