import { type LicenseClaims, signLicenseKey, verifyLicenseKey } from "@tenancy/license";

import type { ApiConfig } from "../config";
import { invalid } from "../domain/errors";
import type { PublicKeyDto } from "../schemas/licensing";

/** The columns a license key is signed from (all of them are in the key). */
export const licenseKeySelect = {
  id: true,
  planKey: true,
  planName: true,
  seatLimit: true,
  deploymentLimit: true,
  features: true,
  customer: true,
  validFrom: true,
  expiresAt: true,
  createdAt: true,
} as const;

export interface LicenseKeyColumns {
  id: string;
  planKey: string;
  planName: string;
  seatLimit: number | null;
  deploymentLimit: number | null;
  features: string[];
  customer: string;
  validFrom: Date;
  expiresAt: Date | null;
  createdAt: Date;
}

/**
 * The license's key, signed with the current signing key. Signing is deterministic, so the key
 * is the same every time it is shown (until the signing key is rotated; keys signed before keep
 * verifying while their public key is listed in TENANCY_LICENSE_PREVIOUS_PUBLIC_KEYS).
 */
export function licenseKeyOf(config: ApiConfig, row: LicenseKeyColumns): string {
  return signLicenseKey(
    {
      licenseId: row.id,
      plan: row.planKey,
      planName: row.planName,
      seats: row.seatLimit,
      deployments: row.deploymentLimit,
      features: row.features,
      customer: row.customer,
      validFrom: row.validFrom,
      expiresAt: row.expiresAt,
      issuedAt: row.createdAt,
    },
    config.licensing.signingKeys.current.privateKey,
  );
}

/**
 * A key someone presents (an owner redeeming it, a deployment activating): authentic, signed by
 * this server (current or previous key), else 400 `license_key_invalid`. Whether the license is
 * still valid (expired, revoked) is the caller's question, answered from the database.
 */
export function authenticLicenseClaims(config: ApiConfig, key: string): LicenseClaims {
  const { current, previous } = config.licensing.signingKeys;
  const result = verifyLicenseKey(key, [current.publicKey, ...previous.map((p) => p.publicKey)]);
  if (result.valid) return result.license;
  if (result.license) return result.license; // authentic, only expired or not yet valid
  throw invalid(
    "license_key_invalid",
    result.reason === "unknown_key"
      ? "This license key was not issued by this server"
      : "This license key is not valid: check that it was copied whole",
    { field: "licenseKey" },
  );
}

function publicKeyEntry(keyId: string, publicKey: ApiConfig["licensing"]["signingKeys"]["current"]["publicKey"]) {
  const jwk = publicKey.export({ format: "jwk" });
  return {
    keyId,
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    jwk: {
      kty: "OKP" as const,
      crv: "Ed25519" as const,
      x: String(jwk.x),
      kid: keyId,
      alg: "EdDSA" as const,
      use: "sig" as const,
    },
  };
}

/** What deployments need to verify keys offline. */
export function publicKeyDto(config: ApiConfig): PublicKeyDto {
  const { current, previous } = config.licensing.signingKeys;
  return {
    algorithm: "Ed25519",
    ...publicKeyEntry(current.keyId, current.publicKey),
    previousKeys: previous.map((p) => publicKeyEntry(p.keyId, p.publicKey)),
  };
}
