// `npm test` / `pnpm test:all`: every check and test suite, in order, stopping at the first failure.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: "1",
  NEXT_TELEMETRY_DISABLED: "1",
  FORCE_COLOR: process.env.CI ? "0" : "1",
};

// The suites need a PostgreSQL server (Debian `postgresql`) and Chromium (Debian `chromium`).
// On a fresh machine install them when we can (root + apt), else say exactly what to run.
function missingSystemPackages() {
  const hasPostgres =
    existsSync("/usr/lib/postgresql") &&
    readdirSync("/usr/lib/postgresql").some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  const missing = [];
  if (!hasPostgres && !process.env.PG_BIN) missing.push("postgresql");
  if (!existsSync("/usr/bin/chromium")) missing.push("chromium");
  return missing;
}
const missing = missingSystemPackages();
if (missing.length > 0) {
  const canApt = process.getuid?.() === 0 && spawnSync("apt-get", ["--version"]).status === 0;
  if (!canApt) {
    console.error(
      `Missing system packages: ${missing.join(", ")}. Install them with:\n  sudo apt-get install -y ${missing.join(" ")}`,
    );
    process.exit(1);
  }
  console.log(`\n━━━ Installing ${missing.join(", ")} from Debian ━━━`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...missing]]) {
    if (spawnSync("apt-get", args, { stdio: "inherit", env: aptEnv }).status !== 0) process.exit(1);
  }
}

const steps = [
  ["Generate the Prisma client", "pnpm", ["run", "generate"]],
  ["Typecheck every package", "pnpm", ["run", "typecheck"]],
  ["Lint every package", "pnpm", ["run", "lint"]],
  ["Formatting (Prettier)", "pnpm", ["run", "format"]],
  ["Schema ↔ migrations drift check", "pnpm", ["run", "db:check-drift"]],
  [
    "Unit + integration tests (PGlite and PostgreSQL)",
    "pnpm",
    ["exec", "turbo", "run", "test", "--concurrency=1", "--filter=!@tenancy/e2e"],
  ],
  ["End-to-end tests in Chromium", "pnpm", ["--filter", "@tenancy/e2e", "test"]],
];

const summary = [];
for (const [title, cmd, args] of steps) {
  console.log(`\n━━━ ${title} ━━━ (${cmd} ${args.join(" ")})`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { stdio: "inherit", env });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  summary.push(`${result.status === 0 ? "✔" : "✘"} ${title} (${seconds}s)`);
  if (result.status !== 0) {
    console.log(`\n${summary.join("\n")}\n\nFailed: ${title}`);
    process.exit(result.status ?? 1);
  }
}
console.log(`\n${summary.join("\n")}\n\nAll ${steps.length} steps passed.`);
