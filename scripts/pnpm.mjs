// Runs the pinned pnpm, installing it first when this machine has none (a fresh machine has only
// Node and npm). The pinned pnpm's folder is put on PATH for everything it starts, since turbo and
// our scripts call `pnpm` themselves.
//
//   node scripts/pnpm.mjs <pnpm arguments>
//   import { pnpmEnvironment } from "./pnpm.mjs"   (scripts/start.mjs)
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function pnpmVersionOnPath(env) {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8", env });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

/**
 * The environment to run the pinned pnpm in (installed into .tools/ once if PATH has another or
 * none), with turbo's and Next's telemetry off. Exits the process when pnpm cannot be installed.
 */
export function pnpmEnvironment() {
  const version = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).packageManager.split("@")[1];
  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" };
  if (pnpmVersionOnPath(env) !== version) {
    const toolsDir = path.join(root, ".tools", `pnpm-${version}`);
    const binDir = path.join(toolsDir, "node_modules", ".bin");
    if (!existsSync(path.join(binDir, "pnpm"))) {
      console.log(`Installing pnpm ${version} into ${path.relative(root, toolsDir)} (once)…`);
      const install = spawnSync(
        "npm",
        [
          "install",
          "--prefix",
          toolsDir,
          "--no-save",
          "--no-package-lock",
          "--no-audit",
          "--no-fund",
          `pnpm@${version}`,
        ],
        { stdio: "inherit", env },
      );
      if (install.status !== 0) process.exit(install.status ?? 1);
    }
    env.PATH = `${binDir}${path.delimiter}${env.PATH ?? ""}`;
  }
  return env;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = spawnSync("pnpm", process.argv.slice(2), { stdio: "inherit", env: pnpmEnvironment() });
  process.exit(result.status ?? 1);
}
