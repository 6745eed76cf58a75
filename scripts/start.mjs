// `npm start`: install the dependencies, build the console (a cache hit when nothing changed), then
// serve it (apps/console/server.mjs) in this very process. Install and build are quiet unless they
// fail (then their whole output is shown), so the last line printed is the server's "ready" line.
// The server runs here rather than under pnpm or turbo so that Ctrl-C (SIGINT to the terminal's
// process group) and SIGTERM reach it once, and it stops cleanly: no ELIFECYCLE or pnpm error.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { pnpmEnvironment } from "./pnpm.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = pnpmEnvironment();

/**
 * Runs one preparation step with its output captured; shows the output only when it fails.
 * @returns {string} what it printed
 */
function step(title, args) {
  process.stdout.write(`[tenancy] ${title}… `);
  const started = Date.now();
  const result = spawnSync("pnpm", args, { cwd: root, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) {
    process.stdout.write("failed:\n\n");
    process.stdout.write(output);
    if (result.error) process.stdout.write(`${result.error.message}\n`);
    process.stdout.write(`\n[tenancy] ${title} failed (pnpm ${args.join(" ")}); see above.\n`);
    process.exit(result.status ?? 1);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const cached = /Cached:\s+(\d+) cached, (\d+) total/.exec(output);
  const unchanged = cached && cached[1] === cached[2] ? ", unchanged" : "";
  process.stdout.write(`done (${seconds}s${unchanged})\n`);
  return output;
}

step("installing dependencies", ["install", "--frozen-lockfile"]);
step("building the console", [
  "exec",
  "turbo",
  "run",
  "build",
  "--filter=@tenancy/console",
  "--output-logs=errors-only",
  "--log-prefix=none",
]);

process.env.PATH = env.PATH;
process.env.NEXT_TELEMETRY_DISABLED = "1";
await import("../apps/console/server.mjs");
