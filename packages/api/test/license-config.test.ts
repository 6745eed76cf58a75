import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { licenseKeyId, signLicenseKey, verifyLicenseKey } from "@tenancy/license";
import { afterEach, describe, expect, it } from "vitest";

import { licensingConfigFromEnv } from "../src/config";
import { LICENSE_KEY_FILE, resolveLicenseSigningKeys } from "../src/licensing/signing-keys";
import { testLicenseSigningKeys } from "./harness";

// Configuration only: no database needed (the file still runs in both projects, cheaply).

const dirs: string[] = [];
function tempDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tenancy-license-key-"));
  dirs.push(dir);
  return path.join(dir, "data");
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const PRODUCTION = { NODE_ENV: "production", DATABASE_URL: "postgres://db/tenancy" };
const claims = {
  licenseId: "l1",
  plan: "team",
  planName: "Team",
  seats: 1,
  deployments: 1,
  features: [],
  customer: "c",
  validFrom: new Date(0),
  expiresAt: null,
  issuedAt: new Date(0),
};

describe("the license signing key", () => {
  it("is generated once into the data directory (0600) on the embedded default, and reused", () => {
    const dataDir = tempDataDir();
    const first = resolveLicenseSigningKeys({ dataDir, env: {} });
    const file = path.join(dataDir, LICENSE_KEY_FILE);
    expect(readFileSync(file, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.current.privateKey.asymmetricKeyType).toBe("ed25519");
    const again = resolveLicenseSigningKeys({ dataDir, env: {} });
    expect(again.current.keyId).toBe(first.current.keyId);
    expect(resolveLicenseSigningKeys({ dataDir: tempDataDir(), env: {} }).current.keyId).not.toBe(first.current.keyId);
    // What it signs verifies with its public key alone.
    const key = signLicenseKey(claims, again.current.privateKey);
    expect(
      verifyLicenseKey(key, first.current.publicKey.export({ type: "spki", format: "pem" }).toString()).valid,
    ).toBe(true);
  });

  it("is required configuration in production against PostgreSQL: a clear error, nothing written", () => {
    const dataDir = tempDataDir();
    expect(() => resolveLicenseSigningKeys({ dataDir, env: PRODUCTION })).toThrow(
      /TENANCY_LICENSE_PRIVATE_KEY is not set/,
    );
    expect(() => statSync(path.join(dataDir, LICENSE_KEY_FILE))).toThrow();
  });

  it("reads TENANCY_LICENSE_PRIVATE_KEY as PEM, PEM with \\n escapes, base64 of the PEM, or base64 of the DER", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const der = privateKey.export({ type: "pkcs8", format: "der" });
    const expected = licenseKeyId(publicKey);
    for (const value of [pem, pem.replace(/\n/g, "\\n"), Buffer.from(pem).toString("base64"), der.toString("base64")]) {
      const keys = resolveLicenseSigningKeys({
        dataDir: tempDataDir(),
        env: { ...PRODUCTION, TENANCY_LICENSE_PRIVATE_KEY: value },
      });
      expect(keys.current.keyId).toBe(expected);
    }
  });

  it("refuses what is not an Ed25519 private key, without quoting it", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const publicPem = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
    for (const [value, message] of [
      [rsa, /is a rsa key/],
      ["c2VjcmV0LW5vdC1hLWtleQ==", /not an Ed25519 private key/],
      [publicPem, /not an Ed25519 private key/],
    ] as const) {
      let error: Error | undefined;
      try {
        resolveLicenseSigningKeys({ dataDir: tempDataDir(), env: { TENANCY_LICENSE_PRIVATE_KEY: value } });
      } catch (caught) {
        error = caught as Error;
      }
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain(value.slice(8, 20));
    }
  });

  it("keeps trusting previous public keys after a rotation (TENANCY_LICENSE_PREVIOUS_PUBLIC_KEYS)", () => {
    const old = generateKeyPairSync("ed25519");
    const next = generateKeyPairSync("ed25519");
    const oldPublic = old.publicKey.export({ type: "spki", format: "pem" }).toString();
    const keys = resolveLicenseSigningKeys({
      dataDir: tempDataDir(),
      env: {
        TENANCY_LICENSE_PRIVATE_KEY: next.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        TENANCY_LICENSE_PREVIOUS_PUBLIC_KEYS: ` ${Buffer.from(oldPublic).toString("base64")} ,${oldPublic.replace(/\n/g, "\\n")},`,
      },
    });
    expect(keys.previous.map((p) => p.keyId)).toEqual([licenseKeyId(old.publicKey)]);
    expect(keys.current.keyId).toBe(licenseKeyId(next.publicKey));
  });
});

describe("licensing settings", () => {
  it("defaults: unlimited free seats, no free deployments, no features, one hour of silence, no operators", () => {
    expect(licensingConfigFromEnv(testLicenseSigningKeys, {})).toMatchObject({
      freePlan: { name: "Free", seats: null, deployments: 0, features: [] },
      deploymentSilenceSeconds: 3600,
      operatorEmails: [],
    });
  });

  it("reads TENANCY_FREE_*, TENANCY_DEPLOYMENT_INACTIVE_AFTER_SECONDS and TENANCY_OPERATOR_EMAILS", () => {
    const config = licensingConfigFromEnv(testLicenseSigningKeys, {
      TENANCY_FREE_SEATS: "5",
      TENANCY_FREE_DEPLOYMENTS: "unlimited",
      TENANCY_FREE_FEATURES: " Basic-Reports, sso ,,sso",
      TENANCY_DEPLOYMENT_INACTIVE_AFTER_SECONDS: "900",
      TENANCY_OPERATOR_EMAILS: " Ops@Example.com, second@example.com ,",
    });
    expect(config).toMatchObject({
      freePlan: { seats: 5, deployments: null, features: ["basic-reports", "sso"] },
      deploymentSilenceSeconds: 900,
      operatorEmails: ["ops@example.com", "second@example.com"],
    });
  });

  it("refuses nonsense with a start-up error naming the variable", () => {
    expect(() => licensingConfigFromEnv(testLicenseSigningKeys, { TENANCY_FREE_SEATS: "-1" })).toThrow(
      /TENANCY_FREE_SEATS/,
    );
    expect(() => licensingConfigFromEnv(testLicenseSigningKeys, { TENANCY_FREE_DEPLOYMENTS: "lots" })).toThrow(
      /TENANCY_FREE_DEPLOYMENTS/,
    );
    expect(() => licensingConfigFromEnv(testLicenseSigningKeys, { TENANCY_FREE_FEATURES: "no spaces" })).toThrow(
      /TENANCY_FREE_FEATURES/,
    );
  });
});
