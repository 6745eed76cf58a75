import { apiConfigFromEnv } from "@tenancy/api/config";

import { publishApiFront } from "../../front/api-front.mjs";
import { apiEndpointOf, serveApiRequest } from "./api-front";
import { mailSettings, startEmailWorker } from "./emailWorker";
import { getRuntime, serverKeys } from "./runtime";

/**
 * Start-up checks and warm-up: a missing production secret, license signing key or public URL (or an invalid setting)
 * stops the server here with a clear message (not on the first request), the database is opened
 * (and, embedded, migrated) before the first request, and the outbox worker starts.
 */
export async function startServer(): Promise<void> {
  let runtime;
  try {
    apiConfigFromEnv(serverKeys());
    mailSettings();
    runtime = await getRuntime();
  } catch (error) {
    console.error(`\n[tenancy] cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  startEmailWorker(runtime);
  // From now on the front hands /v1 and /api/trpc straight to their handlers (not in development,
  // where Next reloads the route files that call them).
  publishApiFront({ endpointOf: apiEndpointOf, serve: serveApiRequest });
}
