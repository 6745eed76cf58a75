#!/usr/bin/env node
// Starts the built console (its HTTP front, apps/console/server.mjs, as `npm start` does) on a free
// loopback port with a fresh embedded database in
// a temporary folder, waits until it answers, runs a command with BASE_URL set, then stops the
// server and deletes the folder.
//
//   node scripts/with-server.mjs [--build] [--keep-data] [--env NAME=VALUE ...] -- <command> [args...]
//
//   --build      build the console first through turbo (a cache hit when nothing changed);
//                without it the console must already be built (apps/console/.next/BUILD_ID)
//   --keep-data  keep the data folder (its path is printed) instead of deleting it
//   --env        extra server environment, e.g. --env TENANCY_RATE_REDEEM_PER_USER=3
//
// The command gets BASE_URL (http://127.0.0.1:<port>), PORT, TENANCY_SERVER_LOG (the server's
// output) and TENANCY_DATA_DIR.
// The server runs without DATABASE_URL / SMTP_URL / BETTER_AUTH_SECRET / TENANCY_LICENSE_PRIVATE_KEY from the
// caller's environment (embedded database, dev mailbox, generated secret and signing key) and with
// TENANCY_AUTH_RATE_LIMIT=off.
//
// As a module (vitest globalSetup, Playwright globalSetup):
//   import { startConsoleServer } from "../../scripts/with-server.mjs";
//   const server = await startConsoleServer({ env: { ... } });  // { baseUrl, port, pid, dataDir, logFile, stop() }
//   server.stop() sends SIGTERM (SIGKILL after 10 s) and resolves with how the server exited;
//   server.exited resolves when it exits on its own (or was signalled by the caller).
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { withServerHeapBudget } from "./server-heap.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const consoleDir = path.join(root, "apps", "console");

/** A port the OS says is free right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Builds the console through turbo (generates the Prisma client first; unchanged trees are cache hits). */
export function buildConsole() {
  const result = spawnSync(
    process.execPath,
    [
      path.join(root, "scripts", "pnpm.mjs"),
      "exec",
      "turbo",
      "run",
      "build",
      "--filter=@tenancy/console",
      "--output-logs=errors-only",
    ],
    {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" },
    },
  );
  if (result.status !== 0) throw new Error("Building the console failed");
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no server output)";
  }
}

async function waitUntilReady(baseUrl, child, logFile, timeoutMs, outputWritten) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      // Its last words (e.g. why it cannot start) may still be in the pipe.
      await outputWritten();
      throw new Error(
        `The console exited before it was ready (code ${child.exitCode ?? child.signalCode}). Its output:\n${tail(logFile)}`,
      );
    }
    try {
      // Readiness: the app has started (database open and migrated, email worker running).
      const response = await fetch(`${baseUrl}/api/ready`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The console did not become ready within ${timeoutMs / 1000}s. Its output:\n${tail(logFile)}`);
}

/**
 * Starts the built console on a free port with a fresh data folder.
 * @param {{ env?: Record<string, string | undefined>, hostname?: string, keepData?: boolean, readyTimeoutMs?: number, echo?: boolean }} [options]
 * @returns {Promise<{ baseUrl: string, port: number, pid: number, dataDir: string, logFile: string, exited: Promise<{ code: number | null, signal: string | null }>, stop: () => Promise<{ code: number | null, signal: string | null }> }>}
 */
export async function startConsoleServer(options = {}) {
  if (!existsSync(path.join(consoleDir, ".next", "BUILD_ID"))) {
    throw new Error("The console is not built: run `pnpm --filter @tenancy/console build` (or pass --build).");
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tenancy-server-"));
  const logFile = path.join(dataDir, "server.log");

  const env = { ...process.env };
  for (const name of [
    "DATABASE_URL",
    "SMTP_URL",
    "BETTER_AUTH_SECRET",
    "BETTER_AUTH_URL",
    "TENANCY_LICENSE_PRIVATE_KEY",
    "NODE_OPTIONS",
  ])
    delete env[name];
  Object.assign(env, {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    // Loopback unless asked otherwise (e.g. "0.0.0.0" to reach it from another address).
    HOSTNAME: options.hostname ?? "127.0.0.1",
    TENANCY_DATA_DIR: dataDir,
    TENANCY_PUBLIC_URL: baseUrl,
    TENANCY_AUTH_RATE_LIMIT: "off",
    TENANCY_OUTBOX_POLL_MS: "500",
    ...options.env,
  });
  // The heap budget `npm start` runs with; NODE_OPTIONS given in options.env come after it and win.
  env.NODE_OPTIONS = withServerHeapBudget(env.NODE_OPTIONS);
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];

  const log = createWriteStream(logFile);
  // Its own process group, so stop() ends next and anything it started.
  const child = spawn(process.execPath, [path.join(consoleDir, "server.mjs")], {
    cwd: consoleDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk) => {
      log.write(chunk);
      if (options.echo) process.stderr.write(chunk);
    });
  }
  /** @type {Promise<{ code: number | null, signal: string | null }>} */
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const closed = new Promise((resolve) => child.once("close", resolve));
  const outputWritten = async () => {
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    await new Promise((resolve) => log.write("", resolve));
  };

  /** @type {Promise<{ code: number | null, signal: string | null }> | undefined} */
  let stopping;
  const stop = () => (stopping ??= stopOnce());
  const stopOnce = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const killer = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }, 10_000);
      await exited;
      clearTimeout(killer);
    }
    const exit = await exited;
    await outputWritten();
    await new Promise((resolve) => log.end(resolve));
    if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    return exit;
  };

  try {
    await waitUntilReady(baseUrl, child, logFile, options.readyTimeoutMs ?? 120_000, outputWritten);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, port, pid: child.pid, dataDir, logFile, exited, stop };
}

function parseArgs(argv) {
  const separator = argv.indexOf("--");
  const own = separator >= 0 ? argv.slice(0, separator) : argv;
  const command = separator >= 0 ? argv.slice(separator + 1) : [];
  const options = { build: false, keepData: false, env: {} };
  for (let i = 0; i < own.length; i++) {
    const arg = own[i];
    if (arg === "--build") options.build = true;
    else if (arg === "--keep-data") options.keepData = true;
    else if (arg === "--env") {
      const pair = own[++i] ?? "";
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new Error(`--env wants NAME=VALUE, got "${pair}"`);
      options.env[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else throw new Error(`Unknown option ${arg}`);
  }
  return { options, command };
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(
      `${error.message}\nusage: node scripts/with-server.mjs [--build] [--keep-data] [--env NAME=VALUE ...] -- <command> [args...]`,
    );
    process.exit(2);
  }
  const { options, command } = parsed;
  if (command.length === 0) {
    console.error(
      "usage: node scripts/with-server.mjs [--build] [--keep-data] [--env NAME=VALUE ...] -- <command> [args...]",
    );
    process.exit(2);
  }
  if (options.build) buildConsole();

  let server;
  try {
    server = await startConsoleServer({ env: options.env, keepData: options.keepData });
  } catch (error) {
    console.error(`[with-server] ${error.message}`);
    process.exit(1);
  }
  console.error(`[with-server] console at ${server.baseUrl} (data ${server.dataDir}, log ${server.logFile})`);

  const child = spawn(command[0], command.slice(1), {
    stdio: "inherit",
    env: {
      ...process.env,
      BASE_URL: server.baseUrl,
      PORT: String(server.port),
      TENANCY_SERVER_LOG: server.logFile,
      TENANCY_DATA_DIR: server.dataDir,
    },
  });
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      interrupted = true;
      child.kill(signal);
    });
  }
  const code = await new Promise((resolve) => {
    child.once("error", (error) => {
      console.error(`[with-server] cannot run ${command[0]}: ${error.message}`);
      resolve(127);
    });
    child.once("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  if (code !== 0 && !interrupted) console.error(`[with-server] last server output:\n${tail(server.logFile, 30)}`);
  await server.stop();
  if (options.keepData) console.error(`[with-server] kept ${server.dataDir}`);
  process.exit(code);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
