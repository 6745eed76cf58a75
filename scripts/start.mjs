// `npm start`: install the dependencies, build the console (a cache hit when nothing changed), then
// serve it (apps/console/server.mjs) in this very process. Install and build are quiet unless they
// fail (then their whole output is shown), so the last line printed is the server's "ready" line.
// The server runs here rather than under pnpm or turbo so that Ctrl-C (SIGINT to the terminal's
// process group) and SIGTERM reach it once, and it stops cleanly: no ELIFECYCLE or pnpm error.
//
// `pnpm dev` (`--dev`): the same, with the Prisma client generated instead of a build, and the
// server in development mode (hot reload).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { pnpmEnvironment } from "./pnpm.mjs";
import { heapSizeChosen, SERVER_MAX_OLD_SPACE_MB } from "./server-heap.mjs";

// The server's heap budget (server-heap.mjs) is a flag node reads when it starts, so this process
// starts itself again with it, in its own place (execve: same process id, no parent left behind).
// Node 20 has no process.execve, nor has Windows: there the heap is left to V8's defaults unless
// NODE_OPTIONS sets it (the README says so; a line here would break `npm start`'s quiet output).
if (!process.argv.includes("--dev") && !heapSizeChosen(process.execArgv, process.env.NODE_OPTIONS)) {
  const execve = /** @type {((file: string, args: string[]) => never) | undefined} */ (
    /** @type {{ execve?: unknown }} */ (process).execve
  );
  try {
    execve?.(process.execPath, [
      process.execPath,
      `--max-old-space-size=${SERVER_MAX_OLD_SPACE_MB}`,
      ...process.execArgv,
      ...process.argv.slice(1),
    ]);
  } catch {
    // Not on this platform: go on without the budget.
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = pnpmEnvironment();

/**
 * Runs one preparation step with its output captured; shows the output only when it fails.
 * @returns {string} what it printed
 */
function step(title, command, args) {
  process.stdout.write(`[tenancy] ${title}… `);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) {
    process.stdout.write("failed:\n\n");
    process.stdout.write(output);
    if (result.error) process.stdout.write(`${result.error.message}\n`);
    process.stdout.write(`\n[tenancy] ${title} failed (${path.basename(command)} ${args.join(" ")}); see above.\n`);
    process.exit(result.status ?? 1);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  // eslint-disable-next-line no-control-regex -- turbo colours its summary
  const cached = /Cached:\s+(\d+) cached, (\d+) total/.exec(output.replace(/\x1b\[[0-9;]*m/g, ""));
  const unchanged = cached && cached[1] === cached[2] ? ", unchanged" : "";
  process.stdout.write(`done (${seconds}s${unchanged})\n`);
  return output;
}

/**
 * Installed from this very lockfile already (pnpm keeps a copy of the one it installed)? Then
 * `pnpm install` would have nothing to do: skip its few seconds on every restart.
 */
function dependenciesUpToDate() {
  const installed = path.join(root, "node_modules", ".pnpm", "lock.yaml");
  const turbo = path.join(root, "node_modules", ".bin", "turbo");
  if (!existsSync(installed) || !existsSync(turbo)) return false;
  return readFileSync(installed, "utf8") === readFileSync(path.join(root, "pnpm-lock.yaml"), "utf8");
}

if (dependenciesUpToDate()) process.stdout.write("[tenancy] dependencies are up to date\n");
else step("installing dependencies", "pnpm", ["install", "--frozen-lockfile"]);
const turbo = path.join(root, "node_modules", ".bin", "turbo");
const quiet = ["--output-logs=errors-only", "--log-prefix=none"];
if (process.argv.includes("--dev")) {
  step("generating the Prisma client", turbo, ["run", "generate", "--filter=@tenancy/console...", ...quiet]);
  step("copying the API reference bundle", process.execPath, [
    path.join(root, "apps", "console", "scripts", "vendor-api-reference.mjs"),
  ]);
} else {
  // turbo: a cache hit (nothing rebuilt) when no source changed since the last build.
  step("building the console", turbo, ["run", "build", "--filter=@tenancy/console", ...quiet]);
}

process.env.PATH = env.PATH;
process.env.NEXT_TELEMETRY_DISABLED = "1";
await import("../apps/console/server.mjs");
