// Starts a throwaway PostgreSQL server for scripts, prints `DATABASE_URL=...` on stdout and keeps it
// running until SIGINT/SIGTERM/SIGHUP, then stops it and deletes its data.
//
//   pnpm --filter @tenancy/testing postgres
//   tsx packages/testing/src/postgres-server-cli.ts [--write-env <path>]
//
// --write-env also writes `DATABASE_URL=...` to a file once the server accepts connections, so a script
// can start this in the background and wait for the file instead of parsing stdout.
import { rmSync, writeFileSync } from "node:fs";

import { startPostgresServer } from "./postgres-server";

const args = process.argv.slice(2);
const writeEnvIndex = args.indexOf("--write-env");
const envFile = writeEnvIndex >= 0 ? args[writeEnvIndex + 1] : undefined;
if (args.includes("--help") || (writeEnvIndex >= 0 && !envFile)) {
  console.error("usage: postgres-server-cli [--write-env <path>]");
  process.exit(args.includes("--help") ? 0 : 2);
}

let server;
try {
  server = await startPostgresServer();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const line = `DATABASE_URL=${server.url}`;
if (envFile) writeFileSync(envFile, `${line}\n`);
console.log(line);
console.error(`PostgreSQL is running on 127.0.0.1:${server.port}; stop it with Ctrl-C (SIGINT) or SIGTERM.`);

// Keeps the event loop alive until a signal arrives.
const keepAlive = setInterval(() => undefined, 1 << 30);
let stopping = false;
const shutdown = async (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  clearInterval(keepAlive);
  console.error(`${signal}: stopping PostgreSQL...`);
  try {
    await server.stop();
    if (envFile) rmSync(envFile, { force: true });
    process.exit(0);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown(signal));
