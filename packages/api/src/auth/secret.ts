import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { isProductionDeployment, type ServerSecrets } from "../config";

const MIN_LENGTH = 32;

/**
 * From BETTER_AUTH_SECRET (current) and TENANCY_PREVIOUS_SECRETS (comma-separated). On the embedded
 * default a missing BETTER_AUTH_SECRET is generated once and kept in the data directory; in
 * production against PostgreSQL it is a start-up error, since instances must share it.
 * Errors never quote a secret.
 */
export function resolveServerSecrets(options: { dataDir: string; env?: NodeJS.ProcessEnv }): ServerSecrets {
  const env = options.env ?? process.env;
  if (env.BETTER_AUTH_SECRETS?.trim()) {
    // Better Auth would read it itself; Tenancy passes its secrets explicitly, so it would be ignored.
    throw new Error(
      "BETTER_AUTH_SECRETS is not used by Tenancy: set BETTER_AUTH_SECRET to the current secret and " +
        "TENANCY_PREVIOUS_SECRETS to the previous ones (comma-separated).",
    );
  }
  const current = currentSecret(options.dataDir, env);
  const previous: string[] = [];
  const entries = (env.TENANCY_PREVIOUS_SECRETS ?? "").split(",").map((entry) => entry.trim());
  for (const [index, entry] of entries.entries()) {
    if (!entry) continue;
    if (entry.length < MIN_LENGTH)
      throw new Error(`TENANCY_PREVIOUS_SECRETS entry ${index + 1} is shorter than ${MIN_LENGTH} characters.`);
    if (entry !== current && !previous.includes(entry)) previous.push(entry);
  }
  return { current, previous };
}

function currentSecret(dataDir: string, env: NodeJS.ProcessEnv): string {
  const configured = env.BETTER_AUTH_SECRET?.trim();
  if (configured) {
    if (configured.length < MIN_LENGTH)
      throw new Error(`BETTER_AUTH_SECRET must be at least ${MIN_LENGTH} characters long.`);
    return configured;
  }
  if (isProductionDeployment(env)) {
    throw new Error(
      "BETTER_AUTH_SECRET is not set. In production with DATABASE_URL every instance must share one secret: " +
        "set BETTER_AUTH_SECRET to a random string of at least 32 characters (e.g. `openssl rand -base64 48`).",
    );
  }
  const file = path.join(dataDir, "auth-secret");
  try {
    const stored = readFileSync(file, "utf8").trim();
    if (stored.length >= MIN_LENGTH) return stored;
  } catch {
    // not there yet: generate below
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  // "wx" fails if another process won the race; then read what it wrote.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  } catch {
    return readFileSync(file, "utf8").trim();
  }
}
