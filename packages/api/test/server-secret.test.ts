import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { resolveServerSecrets } from "../src/auth/secret";
import { isProductionDeployment, resolvePublicUrl } from "../src/config";

const dirs: string[] = [];
function tempDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tenancy-secret-"));
  dirs.push(dir);
  return path.join(dir, "data");
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const resolveServerSecret = (options: Parameters<typeof resolveServerSecrets>[0]) =>
  resolveServerSecrets(options).current;

describe("resolveServerSecrets", () => {
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

describe("previous secrets (rotation)", () => {
  const current = "c".repeat(40);
  const older = "o".repeat(40);
  const oldest = "p".repeat(48);

  it("reads TENANCY_PREVIOUS_SECRETS comma-separated, trimmed, without duplicates or the current one", () => {
    const env = { BETTER_AUTH_SECRET: current, TENANCY_PREVIOUS_SECRETS: ` ${older} ,${oldest},,${older},${current}` };
    expect(resolveServerSecrets({ dataDir: tempDataDir(), env })).toEqual({ current, previous: [older, oldest] });
    expect(resolveServerSecrets({ dataDir: tempDataDir(), env: { BETTER_AUTH_SECRET: current } })).toEqual({
      current,
      previous: [],
    });
  });

  it("works with the generated secret of the embedded default too", () => {
    const dataDir = tempDataDir();
    const generated = resolveServerSecret({ dataDir, env: {} });
    expect(resolveServerSecrets({ dataDir, env: { TENANCY_PREVIOUS_SECRETS: older } })).toEqual({
      current: generated,
      previous: [older],
    });
  });

  it("refuses a short previous secret without quoting it", () => {
    const env = { BETTER_AUTH_SECRET: current, TENANCY_PREVIOUS_SECRETS: `${older},short-one` };
    expect(() => resolveServerSecrets({ dataDir: tempDataDir(), env })).toThrow(
      /TENANCY_PREVIOUS_SECRETS entry 2 is shorter than 32 characters/,
    );
    try {
      resolveServerSecrets({ dataDir: tempDataDir(), env });
    } catch (error) {
      expect((error as Error).message).not.toContain("short-one");
    }
  });

  it("refuses Better Auth's BETTER_AUTH_SECRETS, which Tenancy would otherwise silently ignore", () => {
    const env = { BETTER_AUTH_SECRETS: `2:${current},1:${older}` };
    expect(() => resolveServerSecrets({ dataDir: tempDataDir(), env })).toThrow(
      /BETTER_AUTH_SECRETS is not used by Tenancy.*TENANCY_PREVIOUS_SECRETS/,
    );
  });
});

describe("resolvePublicUrl", () => {
  it("is a clear start-up error in production against PostgreSQL when unset", () => {
    const production = { NODE_ENV: "production", DATABASE_URL: "postgres://db/tenancy" };
    expect(() => resolvePublicUrl(production)).toThrow(/TENANCY_PUBLIC_URL is not set.*every instance/);
    expect(resolvePublicUrl({ ...production, TENANCY_PUBLIC_URL: "https://tenancy.example.com/" })).toBe(
      "https://tenancy.example.com",
    );
  });

  it("defaults to localhost and the port elsewhere, and refuses what is not an http(s) URL", () => {
    expect(resolvePublicUrl({})).toBe("http://localhost:3000");
    expect(resolvePublicUrl({ PORT: "4123" })).toBe("http://localhost:4123");
    expect(resolvePublicUrl({ NODE_ENV: "production" })).toBe("http://localhost:3000");
    expect(() => resolvePublicUrl({ TENANCY_PUBLIC_URL: "tenancy.example.com" })).toThrow(/not a valid URL/);
    expect(() => resolvePublicUrl({ TENANCY_PUBLIC_URL: "ftp://tenancy.example.com" })).toThrow(/http\(s\)/);
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
