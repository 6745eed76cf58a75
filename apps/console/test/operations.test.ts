import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";

import { describe, expect, inject, it } from "vitest";

import { startConsoleServer } from "../../../scripts/with-server.mjs";

// Start-up refusals and the embedded database's lock, against the real built server.
const root = path.resolve(import.meta.dirname, "..", "..", "..");
const SECRET = "an-operator-secret-an-operator-secret-0001";
// Nothing listens there; the checks below refuse the start before any connection is tried.
const UNREACHABLE_DATABASE = "postgres://tenancy@127.0.0.1:9/tenancy";
const LICENSE_KEY = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();

/** The start must fail; returns what the server printed. */
async function failedStart(env: Record<string, string | undefined>): Promise<string> {
  const error = await startConsoleServer({ env, readyTimeoutMs: 60_000 }).then(
    async (server) => {
      await server.stop();
      throw new Error("the server started");
    },
    (e: unknown) => e as Error,
  );
  expect(error.message).toMatch(/exited before it was ready \(code 1\)/);
  return error.message;
}

describe("start-up refusals in production (NODE_ENV=production with DATABASE_URL)", () => {
  it("refuses to start without TENANCY_PUBLIC_URL, naming it", async () => {
    const output = await failedStart({
      DATABASE_URL: UNREACHABLE_DATABASE,
      BETTER_AUTH_SECRET: SECRET,
      TENANCY_LICENSE_PRIVATE_KEY: LICENSE_KEY,
      TENANCY_PUBLIC_URL: undefined,
    });
    expect(output).toContain("cannot start: TENANCY_PUBLIC_URL is not set.");
  });

  it("refuses to start without TENANCY_LICENSE_PRIVATE_KEY, naming it and how to make one", async () => {
    const output = await failedStart({
      DATABASE_URL: UNREACHABLE_DATABASE,
      BETTER_AUTH_SECRET: SECRET,
      TENANCY_PUBLIC_URL: "https://tenancy.example.com",
      TENANCY_LICENSE_PRIVATE_KEY: undefined,
    });
    expect(output).toContain("cannot start: TENANCY_LICENSE_PRIVATE_KEY is not set.");
    expect(output).toContain("openssl genpkey -algorithm ed25519");
    // A key that is not one is refused without being printed.
    const bad = await failedStart({
      DATABASE_URL: UNREACHABLE_DATABASE,
      BETTER_AUTH_SECRET: SECRET,
      TENANCY_PUBLIC_URL: "https://tenancy.example.com",
      TENANCY_LICENSE_PRIVATE_KEY: "bm90LWEta2V5LW5vdC1hLWtleQ==",
    });
    expect(bad).toContain("TENANCY_LICENSE_PRIVATE_KEY is not an Ed25519 private key");
    expect(bad).not.toContain("bm90LWEta2V5");
  });

  it("refuses an invalid outbox lease and Better Auth's BETTER_AUTH_SECRETS", async () => {
    expect(await failedStart({ TENANCY_OUTBOX_LEASE_SECONDS: "30" })).toContain(
      "TENANCY_OUTBOX_LEASE_SECONDS must be a whole number of seconds, at least 180",
    );
    const output = await failedStart({ BETTER_AUTH_SECRETS: `1:${SECRET}` });
    expect(output).toContain("BETTER_AUTH_SECRETS is not used by Tenancy");
    expect(output).not.toContain(SECRET);
  });
});

describe("the embedded database of a running server", () => {
  const dataDir = inject("dataDir");

  it("cannot be opened by a second server", async () => {
    const output = await failedStart({ TENANCY_DATA_DIR: dataDir });
    expect(output).toMatch(/cannot start: The embedded database at .* is in use by another process \(pid \d+/);
  });

  it("is not backed up behind the server's back: pnpm db:backup refuses and names the server", () => {
    const tsx = createRequire(path.join(root, "packages", "db", "package.json")).resolve("tsx");
    const result = spawnSync(process.execPath, ["--import", tsx, path.join(root, "packages/db/scripts/backup.ts")], {
      cwd: path.join(root, "packages", "db"),
      env: { ...process.env, TENANCY_DATA_DIR: dataDir, INIT_CWD: dataDir },
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Backup failed: The embedded database at .* is in use by another process \(pid \d+/);
  });
});
