// A throwaway PostgreSQL server for tests and scripts: a fresh cluster in a temp dir, on a free
// loopback port, trust auth, durability off. Needs the server binaries (Debian: `postgresql`).
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` (trust auth: no password). */
  url: string;
  host: string;
  port: number;
  /** Stops the server (`pg_ctl stop -m immediate`) and deletes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface PostgresServerOptions {
  /** Extra `-c name=value` server settings; they override the defaults below. */
  settings?: Record<string, string | number>;
  /** Seconds to wait for startup (pg_ctl -t). Default 60. */
  startTimeoutSeconds?: number;
}

/** Tuned for tests: nothing here needs to survive a crash. */
const DEFAULT_SETTINGS: Record<string, string | number> = {
  fsync: "off",
  synchronous_commit: "off",
  full_page_writes: "off",
  max_connections: 200,
};

const SUPERUSER = "postgres";
/** The unprivileged OS user the server runs as when this process is root (PostgreSQL refuses root). */
const RUN_AS_WHEN_ROOT = process.env.PG_RUN_AS ?? "postgres";

const INSTALL_HINT =
  "Install the PostgreSQL server with `apt-get install -y postgresql` (Debian/Ubuntu), " +
  "or set PG_BIN to a folder holding initdb and pg_ctl.";

export class PostgresNotInstalledError extends Error {
  constructor(detail: string) {
    super(`PostgreSQL server binaries not found: ${detail}. ${INSTALL_HINT}`);
    this.name = "PostgresNotInstalledError";
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The folder holding initdb and pg_ctl: $PG_BIN, else the newest /usr/lib/postgresql/<version>/bin. */
export function findPostgresBinDir(): string {
  const fromEnv = process.env.PG_BIN?.trim();
  if (fromEnv) {
    for (const tool of ["initdb", "pg_ctl"]) {
      if (!isExecutable(path.join(fromEnv, tool))) {
        throw new PostgresNotInstalledError(`PG_BIN=${fromEnv} has no executable ${tool}`);
      }
    }
    return fromEnv;
  }
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+(\.\d+)?$/.test(name))
        .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  for (const version of versions) {
    const bin = path.join(root, version, "bin");
    if (isExecutable(path.join(bin, "initdb")) && isExecutable(path.join(bin, "pg_ctl"))) return bin;
  }
  throw new PostgresNotInstalledError(`no ${root}/<version>/bin/{initdb,pg_ctl} and PG_BIN is not set`);
}

/** A port the OS considers free right now (bind port 0 on loopback, read it, release it). */
export function findFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** How to run a PostgreSQL tool: directly, or as the unprivileged user when we are root. */
function commandFor(file: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [file, args];
  if (isExecutable("/usr/sbin/runuser") || isExecutable("/sbin/runuser")) {
    return ["runuser", ["-u", RUN_AS_WHEN_ROOT, "--", file, ...args]];
  }
  return ["su", [RUN_AS_WHEN_ROOT, "-s", "/bin/sh", "-c", [file, ...args].map(shellQuote).join(" ")]];
}

/** The environment without libpq/PG* variables, which would otherwise leak into initdb/pg_ctl. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = {} as NodeJS.ProcessEnv;
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("PG")) env[key] = value;
  return env;
}

interface RunResult {
  code: number | null;
  output: string;
}

function run(file: string, args: string[], cwd: string): Promise<RunResult> {
  const [cmd, cmdArgs] = commandFor(file, args);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, cmdArgs, { cwd, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

function lookupUser(name: string): { uid: number; gid: number } {
  const id = (flag: string) => spawnSync("id", [flag, name], { encoding: "utf8" });
  const uid = id("-u");
  const gid = id("-g");
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      `Running as root, and PostgreSQL refuses to run as root, but there is no unprivileged user "${name}" ` +
        `to run it as. \`apt-get install -y postgresql\` creates the "postgres" user; or set PG_RUN_AS to another user.`,
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** A fresh temp dir the server's OS user owns and can reach. */
async function makeTempDir(): Promise<string> {
  const bases = [...new Set([os.tmpdir(), "/tmp"])];
  for (const base of bases) {
    const dir = await mkdtemp(path.join(base, "tenancy-pg-"));
    if (!isRoot()) return dir;
    const { uid, gid } = lookupUser(RUN_AS_WHEN_ROOT);
    await chown(dir, uid, gid);
    // The unprivileged user must be able to traverse every parent (e.g. TMPDIR under /root cannot).
    const probe = await run("/bin/sh", ["-c", `test -w ${shellQuote(dir)}`], "/");
    if (probe.code === 0) return dir;
    await rm(dir, { recursive: true, force: true });
  }
  throw new Error(`No temp dir writable by user "${RUN_AS_WHEN_ROOT}" (tried ${bases.join(", ")}).`);
}

function readLogTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no server log)";
  }
}

// Servers still running when the process exits (a crashed test run) are stopped synchronously.
const running = new Map<string, () => void>();
let exitHookInstalled = false;
function trackForExit(dataDir: string, stopSync: () => void): void {
  running.set(dataDir, stopSync);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const stop of running.values()) stop();
  });
}

/**
 * Starts a throwaway PostgreSQL server (initdb + pg_ctl, as user `postgres` when root) listening only on
 * 127.0.0.1 on a free port, with trust auth and durability off. Always call `stop()`.
 */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBinDir();
  const initdb = path.join(bin, "initdb");
  const pgCtl = path.join(bin, "pg_ctl");

  const dir = await makeTempDir();
  const dataDir = path.join(dir, "data");
  const socketDir = path.join(dir, "run");
  const logFile = path.join(dir, "postgres.log");
  const removeDir = () => rmSync(dir, { recursive: true, force: true });

  try {
    await mkdir(socketDir);
    if (isRoot()) {
      const { uid, gid } = lookupUser(RUN_AS_WHEN_ROOT);
      await chown(socketDir, uid, gid);
    }

    const init = await run(
      initdb,
      ["-D", dataDir, "--auth=trust", `--username=${SUPERUSER}`, "--encoding=UTF8", "--locale=C", "--no-sync"],
      dir,
    );
    if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}):\n${init.output.trim()}`);

    const settings = { ...DEFAULT_SETTINGS, ...options.settings };
    const timeout = String(options.startTimeoutSeconds ?? 60);
    // A free port can be taken between our probe and the server's bind: retry with a new one.
    for (let attempt = 1; ; attempt++) {
      const port = await findFreePort();
      // pg_ctl passes -o through /bin/sh, hence the quoting.
      const serverOptions = [
        `-c listen_addresses=127.0.0.1`,
        `-c port=${port}`,
        `-c unix_socket_directories=${shellQuote(socketDir)}`,
        ...Object.entries(settings).map(([name, value]) => `-c ${name}=${shellQuote(String(value))}`),
      ].join(" ");
      const start = await run(
        pgCtl,
        ["start", "-D", dataDir, "-l", logFile, "-w", "-t", timeout, "-o", serverOptions],
        dir,
      );
      if (start.code === 0) {
        const stopSync = () => {
          const [cmd, args] = commandFor(pgCtl, ["stop", "-D", dataDir, "-m", "immediate", "-w"]);
          spawnSync(cmd, args, { cwd: "/", env: cleanEnv(), stdio: "ignore" });
          removeDir();
        };
        trackForExit(dataDir, stopSync);
        let stopped: Promise<void> | undefined;
        return {
          url: `postgresql://${SUPERUSER}@127.0.0.1:${port}/postgres`,
          host: "127.0.0.1",
          port,
          stop: () =>
            (stopped ??= (async () => {
              running.delete(dataDir);
              const stop = await run(pgCtl, ["stop", "-D", dataDir, "-m", "immediate", "-w"], "/");
              await rm(dir, { recursive: true, force: true });
              if (stop.code !== 0) throw new Error(`pg_ctl stop failed (exit ${stop.code}):\n${stop.output.trim()}`);
            })()),
        };
      }
      const log = readLogTail(logFile);
      const portTaken = /could not bind|address already in use/i.test(log);
      if (!portTaken || attempt >= 5) {
        throw new Error(
          `pg_ctl start failed (exit ${start.code}):\n${start.output.trim()}\n--- server log ---\n${log}`,
        );
      }
    }
  } catch (error) {
    removeDir();
    throw error;
  }
}
