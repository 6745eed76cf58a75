// Starts the built console (`next start`) for the e2e run on a fresh embedded database in a
// temporary folder, and removes that folder when the server stops.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const port = process.env.E2E_PORT;
if (!port) throw new Error("E2E_PORT is not set (playwright.config.ts sets it)");

// E2E_CONSOLE_DIR: serve another built copy of the console (e.g. a snapshot while the checkout rebuilds).
const consoleDir = path.resolve(
  process.env.E2E_CONSOLE_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "../../apps/console"),
);
if (!existsSync(path.join(consoleDir, ".next", "BUILD_ID"))) {
  console.error(
    "[e2e] The console is not built. Run `pnpm --filter @tenancy/console build` (or `pnpm --filter @tenancy/e2e test`, which builds it).",
  );
  process.exit(1);
}
const nextBin = createRequire(path.join(consoleDir, "package.json")).resolve("next/dist/bin/next");

const dataDir = mkdtempSync(path.join(os.tmpdir(), "tenancy-e2e-"));
console.log(`[e2e] data dir ${dataDir}`);
const origin = `http://127.0.0.1:${port}`;

const env = {
  ...process.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  TENANCY_DATA_DIR: dataDir,
  TENANCY_PUBLIC_URL: origin,
  BETTER_AUTH_URL: origin,
  TENANCY_AUTH_RATE_LIMIT: "off",
  PORT: port,
};
// The invite flow reads emails from the dev mailbox, which only exists without SMTP; one database for the run.
for (const name of ["SMTP_URL", "DATABASE_URL", "BETTER_AUTH_SECRET"]) delete env[name];

const server = spawn(process.execPath, [nextBin, "start", "--port", port, "--hostname", "127.0.0.1"], {
  cwd: consoleDir,
  env,
  stdio: "inherit",
});

let stopping = false;
function cleanUp() {
  try {
    rmSync(dataDir, { recursive: true, force: true });
  } catch (error) {
    console.error(`[e2e] could not remove ${dataDir}: ${error}`);
  }
}
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) {
  process.on(signal, () => {
    stopping = true;
    server.kill("SIGTERM");
  });
}
server.on("exit", (code, signal) => {
  cleanUp();
  process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0)));
});
