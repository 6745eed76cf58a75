// Runs the pinned pnpm whether or not it is installed: a fresh machine has only Node and npm.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const pinned = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).packageManager;
const version = pinned.split("@")[1];
const args = process.argv.slice(2);

const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8", shell: false });
const useLocal = probe.status === 0 && probe.stdout.trim() === version;
const [cmd, cmdArgs] = useLocal ? ["pnpm", args] : ["npx", ["-y", `pnpm@${version}`, ...args]];

const result = spawnSync(cmd, cmdArgs, { stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" } });
process.exit(result.status ?? 1);
