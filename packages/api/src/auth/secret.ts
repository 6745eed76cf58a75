import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { isProductionDeployment } from "../config";

/**
 * The server secret (session signing, outbox encryption). From BETTER_AUTH_SECRET when set.
 * On the embedded default it is generated once and kept in the data directory; in production
 * against PostgreSQL a missing secret is a start-up error, since instances must share it.
 */
export function resolveServerSecret(options: { dataDir: string; env?: NodeJS.ProcessEnv }): string {
  const env = options.env ?? process.env;
  const configured = env.BETTER_AUTH_SECRET?.trim();
  if (configured) {
    if (configured.length < 32) throw new Error("BETTER_AUTH_SECRET must be at least 32 characters long.");
    return configured;
  }
  if (isProductionDeployment(env)) {
    throw new Error(
      "BETTER_AUTH_SECRET is not set. In production with DATABASE_URL every instance must share one secret: " +
        "set BETTER_AUTH_SECRET to a random string of at least 32 characters (e.g. `openssl rand -base64 48`).",
    );
  }
  const file = path.join(options.dataDir, "auth-secret");
  try {
    const stored = readFileSync(file, "utf8").trim();
    if (stored.length >= 32) return stored;
  } catch {
    // not there yet: generate below
  }
  mkdirSync(options.dataDir, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  // "wx" fails if another process won the race; then read what it wrote.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  } catch {
    return readFileSync(file, "utf8").trim();
  }
}
