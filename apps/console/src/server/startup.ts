import { getRuntime, serverSecret } from "./runtime";

/**
 * Start-up checks and warm-up: a missing production secret stops the server here with a clear
 * message (not on the first request), and the database is opened (and, embedded, migrated) before
 * the first request arrives.
 */
export async function startServer(): Promise<void> {
  try {
    serverSecret();
    await getRuntime();
  } catch (error) {
    console.error(`\n[tenancy] cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
