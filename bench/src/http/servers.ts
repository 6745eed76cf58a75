// The two servers under load: the built Tenancy console (through scripts/with-server.mjs, the way
// the console tests start it) and the Better Auth organization plugin on a bare node:http server.
import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { buildConsole, freePort, startConsoleServer } from "../../../scripts/with-server.mjs";
import { pidListeningOn, serverRootPid, treeCpuSeconds, treeRssMb } from "./processes";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "..", "..", "..");

export interface RunningServer {
  baseUrl: string;
  /** Root of the server's process tree, for RSS. */
  pid: number;
  /** The process holding the listening socket (the one to profile). */
  listenerPid: number;
  logFile: string;
  rssMb(): number;
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export const BENCH_SECRET = "bench-secret-bench-secret-bench-secret-0001";

/**
 * Builds the console through turbo (a cache hit when nothing changed), so a stale build is never
 * measured; BENCH_BUILD=0 skips it and uses whatever build exists.
 */
export function ensureConsoleBuilt(): void {
  if (process.env.BENCH_BUILD === "0" && existsSync(path.join(repoRoot, "apps", "console", ".next", "BUILD_ID")))
    return;
  buildConsole();
}

function attach(baseUrl: string, logFile: string, stop: () => Promise<void>): RunningServer {
  const port = Number(new URL(baseUrl).port);
  const listener = pidListeningOn(port);
  if (listener === null) throw new Error(`No process listens on port ${port}`);
  const pid = serverRootPid(listener);
  return {
    baseUrl,
    pid,
    listenerPid: listener,
    logFile,
    rssMb: () => treeRssMb(pid),
    cpuSeconds: () => treeCpuSeconds(pid),
    stop,
  };
}

export interface TenancyServerOptions {
  /** PostgreSQL URL; without it the embedded PGlite database under `dataDir`. */
  databaseUrl?: string;
  /** TENANCY_DATA_DIR (kept by the caller); a fresh temp folder when absent. */
  dataDir?: string;
  /** Extra environment for the server process (e.g. the CPU profiler preload, see profilerEnv). */
  env?: Record<string, string>;
}

/** Environment that preloads cpu-profiler.mjs: SIGUSR2 starts the V8 profiler, the next one writes `file`. */
export function profilerEnv(file: string): Record<string, string> {
  return {
    NODE_OPTIONS: `--import ${pathToFileURL(path.join(here, "cpu-profiler.mjs")).href}`,
    BENCH_CPU_PROFILE: file,
  };
}

/** Starts the built Tenancy server in production mode, with limits raised so the load is not throttled. */
export async function startTenancy(options: TenancyServerOptions): Promise<RunningServer> {
  const env: Record<string, string | undefined> = {
    BETTER_AUTH_SECRET: BENCH_SECRET,
    TENANCY_AUTH_RATE_LIMIT: "off",
    // Per-user/IP redeem limits still run (they are part of every accept and join), only out of reach.
    TENANCY_RATE_REDEEM_PER_USER: "1000000000",
    TENANCY_RATE_REDEEM_PER_IP: "1000000000",
    TENANCY_RATE_PREVIEW_PER_IP: "1000000000",
    // The production default (with-server polls faster for the console tests).
    TENANCY_OUTBOX_POLL_MS: "3000",
    // Production against PostgreSQL refuses to start without a license signing key: a throwaway one.
    TENANCY_LICENSE_PRIVATE_KEY: generateKeyPairSync("ed25519")
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString(),
    ...options.env,
  };
  if (options.databaseUrl) {
    env.DATABASE_URL = options.databaseUrl;
    env.TENANCY_AUTO_MIGRATE = "true";
  }
  if (options.dataDir) env.TENANCY_DATA_DIR = options.dataDir;
  const server = await startConsoleServer({ env, readyTimeoutMs: 180_000 });
  return attach(server.baseUrl, server.logFile, async () => {
    await server.stop();
  });
}

/** Starts plugin-server.mjs on a free port against `databaseUrl` (it creates its tables itself). */
export async function startPlugin(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-plugin-"));
  const logFile = path.join(dir, "server.log");
  const log = createWriteStream(logFile);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    BETTER_AUTH_SECRET: BENCH_SECRET,
  };
  delete env.NODE_OPTIONS;
  Object.assign(env, extraEnv);
  const child = spawn(process.execPath, [path.join(here, "plugin-server.mjs")], {
    cwd: path.join(repoRoot, "bench"),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      log.write(chunk);
      out += chunk.toString();
      if (out.includes(`ready ${port}`)) resolve();
    });
    child.stderr.on("data", (chunk: Buffer) => log.write(chunk));
    child.once("exit", (code) =>
      reject(new Error(`plugin server exited (${code}): ${readFileSync(logFile, "utf8").slice(-2000)}`)),
    );
    setTimeout(() => reject(new Error("plugin server did not start within 60 s")), 60_000).unref();
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    }
    await new Promise((resolve) => log.end(resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return attach(`http://127.0.0.1:${port}`, logFile, stop);
}
