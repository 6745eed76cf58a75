// Builds the console (through turbo, so an unchanged tree is a cache hit) before the e2e run.
// Skipped when turbo itself runs this task (turbo.json makes @tenancy/e2e#test depend on
// @tenancy/console#build) or when E2E_SKIP_BUILD=1.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

if (process.env.TURBO_HASH || process.env.E2E_SKIP_BUILD === "1") process.exit(0);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const result = spawnSync(
  "pnpm",
  ["exec", "turbo", "run", "build", "--filter=@tenancy/console", "--output-logs=errors-only"],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" },
  },
);
process.exit(result.status ?? 1);
