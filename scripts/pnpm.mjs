// Runs the pinned pnpm, installing it first when this machine has none (a fresh machine has only
// Node and npm). The pinned pnpm's folder is put on PATH for everything it starts, since turbo and
// our scripts call `pnpm` themselves.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const version = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).packageManager.split("@")[1];
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" };

function pnpmVersionOnPath(searchPath) {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8", env: { ...env, PATH: searchPath } });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

if (pnpmVersionOnPath(env.PATH) !== version) {
  const toolsDir = path.join(root, ".tools", `pnpm-${version}`);
  const binDir = path.join(toolsDir, "node_modules", ".bin");
  if (!existsSync(path.join(binDir, "pnpm"))) {
    console.log(`Installing pnpm ${version} into ${path.relative(root, toolsDir)} (once)…`);
    const install = spawnSync(
      "npm",
      ["install", "--prefix", toolsDir, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", `pnpm@${version}`],
      { stdio: "inherit", env },
    );
    if (install.status !== 0) process.exit(install.status ?? 1);
  }
  env.PATH = `${binDir}${path.delimiter}${env.PATH ?? ""}`;
}

const result = spawnSync("pnpm", process.argv.slice(2), { stdio: "inherit", env });
process.exit(result.status ?? 1);
