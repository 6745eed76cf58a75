import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { licenseKeyId } from "@tenancy/license";

import { isProductionDeployment } from "../config";

export interface PublicSigningKey {
  keyId: string;
  publicKey: KeyObject;
}

/** The Ed25519 key pair license keys are signed with, and earlier public keys still trusted. */
export interface LicenseSigningKeys {
  current: PublicSigningKey & { privateKey: KeyObject };
  previous: readonly PublicSigningKey[];
}

export const LICENSE_KEY_FILE = "license-signing-key.pem";

/** A fresh in-memory key pair: for tests and benchmarks, which must not touch a data directory. */
export function ephemeralLicenseSigningKeys(): LicenseSigningKeys {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { current: { keyId: licenseKeyId(publicKey), privateKey, publicKey }, previous: [] };
}

/**
 * From TENANCY_LICENSE_PRIVATE_KEY (PEM, or the PEM / DER base64-encoded, for one-line variables) and
 * TENANCY_LICENSE_PREVIOUS_PUBLIC_KEYS (comma-separated, same encodings: keys signed by them keep
 * verifying after a rotation). On the embedded default a missing private key is generated once into
 * the data directory (0600), like the auth secret; in production against PostgreSQL it is a
 * start-up error, since every instance must sign with the same key. Errors never quote a key.
 */
export function resolveLicenseSigningKeys(options: { dataDir: string; env?: NodeJS.ProcessEnv }): LicenseSigningKeys {
  const env = options.env ?? process.env;
  const privateKey = currentPrivateKey(options.dataDir, env);
  const publicKey = createPublicKey(privateKey);
  const current = { keyId: licenseKeyId(publicKey), publicKey, privateKey };
  const previous: PublicSigningKey[] = [];
  const entries = (env.TENANCY_LICENSE_PREVIOUS_PUBLIC_KEYS ?? "").split(",").map((entry) => entry.trim());
  for (const [index, entry] of entries.entries()) {
    if (!entry) continue;
    const key = parseKey(entry, "public", `TENANCY_LICENSE_PREVIOUS_PUBLIC_KEYS entry ${index + 1}`);
    const keyId = licenseKeyId(key);
    if (keyId !== current.keyId && !previous.some((p) => p.keyId === keyId)) previous.push({ keyId, publicKey: key });
  }
  return { current, previous };
}

function currentPrivateKey(dataDir: string, env: NodeJS.ProcessEnv): KeyObject {
  const configured = env.TENANCY_LICENSE_PRIVATE_KEY?.trim();
  if (configured) return parseKey(configured, "private", "TENANCY_LICENSE_PRIVATE_KEY");
  if (isProductionDeployment(env)) {
    throw new Error(
      "TENANCY_LICENSE_PRIVATE_KEY is not set. In production with DATABASE_URL every instance must sign license keys " +
        "with the same Ed25519 key: generate one once (`openssl genpkey -algorithm ed25519`) and set " +
        "TENANCY_LICENSE_PRIVATE_KEY to it (the PEM, or its base64 on one line) on every instance.",
    );
  }
  const file = path.join(dataDir, LICENSE_KEY_FILE);
  try {
    return parseKey(readFileSync(file, "utf8"), "private", file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  // "wx" fails if another process won the race; then read what it wrote.
  try {
    writeFileSync(file, pem, { mode: 0o600, flag: "wx" });
  } catch {
    return parseKey(readFileSync(file, "utf8"), "private", file);
  }
  return createPrivateKey(pem);
}

/** An Ed25519 key from PEM text, base64 of PEM, or base64 of DER (PKCS#8 private / SPKI public). */
function parseKey(text: string, kind: "private" | "public", where: string): KeyObject {
  const candidates: (() => KeyObject)[] = [];
  const create = kind === "private" ? createPrivateKey : createPublicKey;
  if (text.includes("-----BEGIN")) {
    candidates.push(() => create(text.replace(/\\n/g, "\n")));
  } else {
    const bytes = Buffer.from(text.replace(/\s+/g, ""), "base64");
    const decoded = bytes.toString("utf8");
    if (decoded.includes("-----BEGIN")) candidates.push(() => create(decoded));
    else if (kind === "private") candidates.push(() => createPrivateKey({ key: bytes, format: "der", type: "pkcs8" }));
    else candidates.push(() => createPublicKey({ key: bytes, format: "der", type: "spki" }));
  }
  for (const candidate of candidates) {
    let key: KeyObject;
    try {
      key = candidate();
    } catch {
      continue;
    }
    if (key.asymmetricKeyType !== "ed25519") {
      throw new Error(
        `${where} is a ${key.asymmetricKeyType ?? "non-Ed25519"} key; license keys are signed with Ed25519.`,
      );
    }
    return key;
  }
  throw new Error(`${where} is not an Ed25519 ${kind} key (expected PEM, or its base64 on one line).`);
}
