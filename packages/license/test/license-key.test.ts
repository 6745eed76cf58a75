import { generateKeyPairSync } from "node:crypto";

import { describe, expect, it } from "vitest";

import {
  decodeLicenseKey,
  hasFeature,
  LICENSE_KEY_PREFIX,
  licenseKeyId,
  signLicenseKey,
  verifyLicenseKey,
  type LicenseClaims,
} from "../src/index";

const issuer = generateKeyPairSync("ed25519");
const other = generateKeyPairSync("ed25519");
const publicPem = issuer.publicKey.export({ type: "spki", format: "pem" }).toString();

const DAY = 86_400_000;
const claims: Omit<LicenseClaims, "keyId"> = {
  licenseId: "0193a1b2-0000-7000-8000-000000000001",
  plan: "team",
  planName: "Team",
  seats: 10,
  deployments: 3,
  features: ["sso", "audit-export"],
  customer: "Acme Corp — PO 1234",
  validFrom: new Date(Date.now() - DAY),
  expiresAt: new Date(Date.now() + 30 * DAY),
  issuedAt: new Date(Date.now() - DAY),
};

/** Replaces one part (0 prefix, 1 payload, 2 signature) of a key. */
function withPart(key: string, index: number, value: string): string {
  const parts = key.split(".");
  parts[index] = value;
  return parts.join(".");
}

function payloadOf(key: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(key.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}

function encode(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
}

describe("license keys", () => {
  it("sign and verify with only the public key (PEM, JWK or KeyObject); signing is deterministic", () => {
    const key = signLicenseKey(claims, issuer.privateKey);
    expect(key.startsWith(`${LICENSE_KEY_PREFIX}.`)).toBe(true);
    expect(key.split(".")).toHaveLength(3);
    expect(signLicenseKey(claims, issuer.privateKey)).toBe(key);
    const jwk = issuer.publicKey.export({ format: "jwk" });
    for (const publicKey of [publicPem, jwk, issuer.publicKey]) {
      const result = verifyLicenseKey(key, publicKey as never);
      expect(result).toEqual({ valid: true, license: { ...claims, keyId: licenseKeyId(issuer.publicKey) } });
    }
    // A PEM private key string signs too.
    const pem = issuer.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(signLicenseKey(claims, pem)).toBe(key);
    expect(hasFeature(claims, "sso")).toBe(true);
    expect(hasFeature(claims, "white-label")).toBe(false);
  });

  it("carries unlimited limits and perpetual licenses as null", () => {
    const key = signLicenseKey({ ...claims, seats: null, deployments: null, expiresAt: null }, issuer.privateKey);
    const result = verifyLicenseKey(key, publicPem, { now: new Date(Date.now() + 3650 * DAY) });
    expect(result).toMatchObject({ valid: true, license: { seats: null, deployments: null, expiresAt: null } });
  });

  it("refuses a tampered payload, a swapped signature and a forged key", () => {
    const key = signLicenseKey(claims, issuer.privateKey);
    const tampered = withPart(key, 1, encode({ ...payloadOf(key), seats: 1000 }));
    expect(verifyLicenseKey(tampered, publicPem)).toEqual({ valid: false, reason: "bad_signature" });

    const otherKey = signLicenseKey({ ...claims, licenseId: "another" }, issuer.privateKey);
    expect(verifyLicenseKey(withPart(key, 2, otherKey.split(".")[2]!), publicPem)).toEqual({
      valid: false,
      reason: "bad_signature",
    });

    // Signed with someone else's key, claiming the issuer's key id: the signature gives it away.
    const forged = signLicenseKey(claims, other.privateKey);
    const forgedPayload = encode({ ...payloadOf(forged), kid: licenseKeyId(publicPem) });
    const forgedKey = `${LICENSE_KEY_PREFIX}.${forgedPayload}.${forged.split(".")[2]!}`;
    expect(verifyLicenseKey(forgedKey, publicPem)).toEqual({ valid: false, reason: "bad_signature" });

    // One flipped character of the signature.
    const signature = key.split(".")[2]!;
    const flipped = `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    expect(verifyLicenseKey(withPart(key, 2, flipped), publicPem)).toMatchObject({ valid: false });
  });

  it("refuses a key signed by another server (unknown key id), and accepts it once that key is trusted", () => {
    const foreign = signLicenseKey(claims, other.privateKey);
    expect(verifyLicenseKey(foreign, publicPem)).toEqual({ valid: false, reason: "unknown_key" });
    expect(verifyLicenseKey(foreign, [publicPem, other.publicKey])).toMatchObject({ valid: true });
  });

  it("says when a key is expired or not valid yet, with its authentic claims", () => {
    const expired = signLicenseKey(
      { ...claims, validFrom: new Date(Date.now() - 10 * DAY), expiresAt: new Date(Date.now() - DAY) },
      issuer.privateKey,
    );
    expect(verifyLicenseKey(expired, publicPem)).toMatchObject({
      valid: false,
      reason: "expired",
      license: { licenseId: claims.licenseId },
    });
    const later = signLicenseKey({ ...claims, validFrom: new Date(Date.now() + DAY) }, issuer.privateKey);
    expect(verifyLicenseKey(later, publicPem)).toMatchObject({ valid: false, reason: "not_yet_valid" });
    expect(verifyLicenseKey(later, publicPem, { now: new Date(Date.now() + 2 * DAY) })).toMatchObject({
      valid: true,
    });
  });

  it("calls anything else malformed, without throwing", () => {
    const key = signLicenseKey(claims, issuer.privateKey);
    const cases = [
      "",
      "hello",
      key.replace(LICENSE_KEY_PREFIX, "tnc_lic2"),
      `${key}.extra`,
      withPart(key, 1, "!!!"),
      withPart(key, 1, encode("not an object")),
      withPart(key, 1, encode({ ...payloadOf(key), seats: -1 })),
      withPart(key, 1, encode({ ...payloadOf(key), validFrom: "yesterday" })),
      withPart(key, 1, encode({ ...payloadOf(key), v: 2 })),
      withPart(key, 2, "c2hvcnQ"),
      "x".repeat(10_000),
      42 as unknown as string,
    ];
    for (const bad of cases) expect(verifyLicenseKey(bad, publicPem)).toEqual({ valid: false, reason: "malformed" });
    expect(decodeLicenseKey("nope")).toBeNull();
    expect(decodeLicenseKey(key)?.licenseId).toBe(claims.licenseId);
  });

  it("refuses keys that are not Ed25519", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
    expect(() => signLicenseKey(claims, rsa.privateKey)).toThrow(/Ed25519/);
    expect(() => verifyLicenseKey("x", rsa.publicKey)).toThrow(/Ed25519/);
    expect(() => signLicenseKey(claims, issuer.publicKey)).toThrow(/private key/);
  });
});
