import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { resolveServerSecret } from "../src/auth/secret";
import { isProductionDeployment } from "../src/config";

const dirs: string[] = [];
function tempDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tenancy-secret-"));
  dirs.push(dir);
  return path.join(dir, "data");
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("resolveServerSecret", () => {
  it("generates a secret once on the embedded default, keeps it in the data dir (0600) and reuses it", () => {
    const dataDir = tempDataDir();
    const first = resolveServerSecret({ dataDir, env: {} });
    expect(first.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dataDir, "auth-secret");
    expect(readFileSync(file, "utf8").trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveServerSecret({ dataDir, env: {} })).toBe(first);
    expect(resolveServerSecret({ dataDir: tempDataDir(), env: {} })).not.toBe(first);
  });

  it("uses BETTER_AUTH_SECRET when set, and refuses a short one", () => {
    const secret = "s".repeat(40);
    expect(resolveServerSecret({ dataDir: tempDataDir(), env: { BETTER_AUTH_SECRET: secret } })).toBe(secret);
    expect(() => resolveServerSecret({ dataDir: tempDataDir(), env: { BETTER_AUTH_SECRET: "short" } })).toThrow(
      /at least 32 characters/,
    );
  });

  it("is a clear error in production against PostgreSQL without BETTER_AUTH_SECRET, and writes nothing", () => {
    const dataDir = tempDataDir();
    const env = { NODE_ENV: "production", DATABASE_URL: "postgres://db/tenancy" };
    expect(() => resolveServerSecret({ dataDir, env })).toThrow(/BETTER_AUTH_SECRET is not set/);
    expect(() => statSync(path.join(dataDir, "auth-secret"))).toThrow();
    // Production on the embedded database still generates one (a single process owns that database).
    expect(resolveServerSecret({ dataDir, env: { NODE_ENV: "production" } }).length).toBeGreaterThanOrEqual(32);
  });
});

describe("isProductionDeployment", () => {
  it("means NODE_ENV=production with a DATABASE_URL", () => {
    expect(isProductionDeployment({ NODE_ENV: "production", DATABASE_URL: "postgres://db/x" })).toBe(true);
    expect(isProductionDeployment({ NODE_ENV: "production", DATABASE_URL: "  " })).toBe(false);
    expect(isProductionDeployment({ NODE_ENV: "production" })).toBe(false);
    expect(isProductionDeployment({ DATABASE_URL: "postgres://db/x" })).toBe(false);
  });
});
