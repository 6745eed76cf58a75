/**
 * Tenancy license keys: `tnc_lic1.<payload>.<signature>`, both parts base64url. The payload is the
 * license as JSON; the signature is Ed25519 over the ASCII text `tnc_lic1.<payload>`, so neither the
 * prefix nor a byte of the payload can change without the key failing to verify.
 *
 * A deployment verifies a key offline with the issuing server's public key (served by the server at
 * `GET /v1/license/public-key`): `verifyLicenseKey(key, publicKeyPem)`. No network, no dependencies:
 * only Node's `crypto`.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";

export const LICENSE_KEY_PREFIX = "tnc_lic1";

/** Longer inputs are refused before any decoding (a real key is well under 2 KB). */
export const MAX_LICENSE_KEY_LENGTH = 8192;

/** What a license key says. `null` limits mean unlimited. */
export interface LicenseClaims {
  /** The license's id on the issuing server. */
  licenseId: string;
  /** The plan's key (e.g. `team`) and its name when the license was issued. */
  plan: string;
  planName: string;
  /** Members an organization may have; null = unlimited. */
  seats: number | null;
  /** Deployments that may be active at once; null = unlimited. */
  deployments: number | null;
  /** Feature flags your product may read, e.g. `sso`. */
  features: string[];
  /** Who it was issued to. */
  customer: string;
  validFrom: Date;
  /** null = never expires. */
  expiresAt: Date | null;
  issuedAt: Date;
  /** Id of the signing key (see licenseKeyId). */
  keyId: string;
}

export type LicenseKeyProblem =
  /** Not a license key at all, or damaged (bad encoding, missing fields). */
  | "malformed"
  /** Signed by a key you did not pass (another server, or an old key you no longer trust). */
  | "unknown_key"
  /** The signature does not match: forged or tampered with. */
  | "bad_signature"
  /** Authentic, but past `expiresAt`. */
  | "expired"
  /** Authentic, but before `validFrom`. */
  | "not_yet_valid";

export type LicenseKeyVerification =
  | { valid: true; license: LicenseClaims }
  | {
      valid: false;
      reason: LicenseKeyProblem;
      /** The authentic claims when the key is only expired or not yet valid; absent otherwise. */
      license?: LicenseClaims;
    };

/** A public key as PEM (SPKI) text, a JWK (`{kty: "OKP", crv: "Ed25519", x}`) or a KeyObject. */
export type PublicKeyInput = string | KeyObject | JsonWebKeyInput;

export interface JsonWebKeyInput {
  kty: string;
  crv?: string;
  x?: string;
  kid?: string;
  [name: string]: unknown;
}

interface Payload {
  v: 1;
  kid: string;
  id: string;
  plan: string;
  planName: string;
  seats: number | null;
  deployments: number | null;
  features: string[];
  customer: string;
  validFrom: string;
  expiresAt: string | null;
  issuedAt: string;
}

function toKeyObject(input: PublicKeyInput): KeyObject {
  if (typeof input === "string") return createPublicKey(input);
  if (isKeyObject(input)) return input.type === "private" ? createPublicKey(input) : input;
  return createPublicKey({ key: input as JsonWebKey, format: "jwk" });
}

function isKeyObject(input: unknown): input is KeyObject {
  return typeof input === "object" && input !== null && "asymmetricKeyType" in input && "export" in input;
}

function assertEd25519(key: KeyObject): void {
  if (key.asymmetricKeyType !== "ed25519") {
    throw new TypeError(`A Tenancy license key is signed with Ed25519, not ${key.asymmetricKeyType ?? "this key"}`);
  }
}

/**
 * A short, stable id of a public key: the first 16 characters of the base64url SHA-256 of its SPKI
 * DER encoding. Keys carry it so a verifier holding several public keys knows which one to use.
 */
export function licenseKeyId(publicKey: PublicKeyInput): string {
  const key = toKeyObject(publicKey);
  assertEd25519(key);
  const der = key.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("base64url").slice(0, 16);
}

function isoOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

function validDate(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function limit(value: unknown): number | null | undefined {
  if (value === null) return null;
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** The claims of a payload object, or null when any field is missing or of the wrong type. */
function claimsOf(payload: unknown): LicenseClaims | null {
  if (typeof payload !== "object" || payload === null) return null;
  const p = payload as Partial<Record<keyof Payload, unknown>>;
  const seats = limit(p.seats);
  const deployments = limit(p.deployments);
  const validFrom = validDate(p.validFrom);
  const issuedAt = validDate(p.issuedAt);
  const expiresAt = p.expiresAt === null ? null : validDate(p.expiresAt);
  if (
    p.v !== 1 ||
    typeof p.kid !== "string" ||
    typeof p.id !== "string" ||
    typeof p.plan !== "string" ||
    typeof p.planName !== "string" ||
    typeof p.customer !== "string" ||
    seats === undefined ||
    deployments === undefined ||
    !Array.isArray(p.features) ||
    !p.features.every((feature) => typeof feature === "string") ||
    validFrom === null ||
    issuedAt === null ||
    (p.expiresAt !== null && expiresAt === null)
  ) {
    return null;
  }
  return {
    licenseId: p.id,
    plan: p.plan,
    planName: p.planName,
    seats,
    deployments,
    features: [...(p.features as string[])],
    customer: p.customer,
    validFrom,
    expiresAt: expiresAt ?? null,
    issuedAt,
    keyId: p.kid,
  };
}

/**
 * Signs a license (server side). Ed25519 signatures are deterministic, so the same claims and key
 * always give the same license key: the server can show a key again without storing it.
 */
export function signLicenseKey(claims: Omit<LicenseClaims, "keyId">, privateKey: string | KeyObject): string {
  const key = typeof privateKey === "string" ? createPrivateKey(privateKey) : privateKey;
  if (key.type !== "private") throw new TypeError("signLicenseKey needs the private key");
  assertEd25519(key);
  // Field order is fixed here, so the encoding (and the key) is too.
  const payload: Payload = {
    v: 1,
    kid: licenseKeyId(createPublicKey(key)),
    id: claims.licenseId,
    plan: claims.plan,
    planName: claims.planName,
    seats: claims.seats,
    deployments: claims.deployments,
    features: [...claims.features],
    customer: claims.customer,
    validFrom: claims.validFrom.toISOString(),
    expiresAt: isoOrNull(claims.expiresAt),
    issuedAt: claims.issuedAt.toISOString(),
  };
  const signed = `${LICENSE_KEY_PREFIX}.${Buffer.from(JSON.stringify(payload), "utf8").toString("base64url")}`;
  const signature = sign(null, Buffer.from(signed, "ascii"), key).toString("base64url");
  return `${signed}.${signature}`;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Reads a key's claims WITHOUT checking its signature: for display only. Never trust what it
 * returns; use verifyLicenseKey for anything that matters. null when the key is malformed.
 */
export function decodeLicenseKey(key: string): LicenseClaims | null {
  const parts = splitKey(key);
  return parts ? parts.claims : null;
}

function splitKey(key: unknown): { signed: string; signature: Buffer; claims: LicenseClaims } | null {
  if (typeof key !== "string") return null;
  const trimmed = key.trim();
  if (trimmed.length > MAX_LICENSE_KEY_LENGTH) return null;
  const parts = trimmed.split(".");
  if (parts.length !== 3) return null;
  const [prefix, payloadPart, signaturePart] = parts as [string, string, string];
  if (prefix !== LICENSE_KEY_PREFIX || !BASE64URL.test(payloadPart) || !BASE64URL.test(signaturePart)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(payloadPart, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const claims = claimsOf(payload);
  const signature = Buffer.from(signaturePart, "base64url");
  // Ed25519 signatures are 64 bytes; anything else (or a non-canonical encoding) is damaged.
  if (!claims || signature.length !== 64 || signature.toString("base64url") !== signaturePart) return null;
  return { signed: `${prefix}.${payloadPart}`, signature, claims };
}

export interface VerifyOptions {
  /** The time to check validity at (default: now). */
  now?: Date;
}

/**
 * Verifies a license key offline against the issuing server's public key(s): pass one key, or
 * several while a server rotates its signing key. Never throws for a bad key: the answer says why
 * it is not valid. Throws only when a public key you pass is not an Ed25519 public key.
 */
export function verifyLicenseKey(
  key: string,
  publicKeys: PublicKeyInput | readonly PublicKeyInput[],
  options: VerifyOptions = {},
): LicenseKeyVerification {
  const trusted = (Array.isArray(publicKeys) ? publicKeys : [publicKeys]).map((input: PublicKeyInput) => {
    const keyObject = toKeyObject(input);
    assertEd25519(keyObject);
    return { keyObject, id: licenseKeyId(keyObject) };
  });
  const parts = splitKey(key);
  if (!parts) return { valid: false, reason: "malformed" };
  const signer = trusted.find((candidate) => candidate.id === parts.claims.keyId);
  if (!signer) return { valid: false, reason: "unknown_key" };
  if (!verify(null, Buffer.from(parts.signed, "ascii"), signer.keyObject, parts.signature)) {
    return { valid: false, reason: "bad_signature" };
  }
  const now = options.now ?? new Date();
  const license = parts.claims;
  if (license.validFrom.getTime() > now.getTime()) return { valid: false, reason: "not_yet_valid", license };
  if (license.expiresAt !== null && license.expiresAt.getTime() <= now.getTime()) {
    return { valid: false, reason: "expired", license };
  }
  return { valid: true, license };
}

/** Does a verified license grant `feature`? */
export function hasFeature(license: Pick<LicenseClaims, "features">, feature: string): boolean {
  return license.features.includes(feature);
}
