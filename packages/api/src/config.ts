import type { FreePlanSettings } from "./domain/licensing";
import type { LicenseSigningKeys } from "./licensing/signing-keys";

/** Settings the API needs from its host; the console builds one from the environment. */
export interface RateLimitRule {
  /** Attempts allowed per window. */
  limit: number;
  windowSeconds: number;
}

/**
 * The server secrets. `current` signs session cookies and seals queued email; `previous` ones are
 * still accepted (cookies signed and email sealed under them keep working) but never used to sign
 * or seal: that is what lets a rotation lose nothing.
 */
export interface ServerSecrets {
  current: string;
  previous: readonly string[];
}

/** Every secret a signature or a sealed body may have been made with, the current one first. */
export function acceptedSecrets(secrets: ServerSecrets): string[] {
  return [secrets.current, ...secrets.previous];
}

export interface ApiConfig {
  /** Origin used to build accept links, e.g. https://tenancy.example.com (one for all instances). */
  publicUrl: string;
  /**
   * Origins whose browser requests may carry the session cookie to the API (and call the auth
   * endpoints): the public URL's, its loopback aliases when it is local, and TENANCY_TRUSTED_ORIGINS.
   */
  trustedOrigins: string[];
  /** Request bodies larger than this are refused with 413 before they are parsed (TENANCY_MAX_BODY_BYTES). */
  maxBodyBytes: number;
  /** The server secrets (the auth secret): key the encryption of queued email bodies. */
  secrets: ServerSecrets;
  /** DNS for proving domains: the servers to ask (host or host:port; the system's when absent). */
  dns?: { servers?: string[]; timeoutMs?: number };
  rateLimits: {
    /** joinCodes.join and invitations.accept/decline attempts, per user. */
    redeemPerUser: RateLimitRule;
    /** The same attempts, per client IP. */
    redeemPerIp: RateLimitRule;
    /** invitations.preview (public), per client IP. */
    previewPerIp: RateLimitRule;
    /** deployments.activate (public: the license key is the credential), per client IP. */
    activatePerIp: RateLimitRule;
    /** deployments.heartbeat, per client IP. */
    heartbeatPerIp: RateLimitRule;
  };
  licensing: LicensingConfig;
  instances: InstancesConfig;
}

export interface InstancesConfig {
  /**
   * TENANCY_ADMIN_EMAILS and TENANCY_OPERATOR_EMAILS, lower-case: these users (once their address is
   * verified) are made owners of the default instance when they sign up or verify, and at every start.
   */
  adminEmails: readonly string[];
}

/** A comma-separated list of email addresses, trimmed and lower-cased. */
export function emailListFromEnv(env: NodeJS.ProcessEnv, name: string): string[] {
  return (env[name] ?? "")
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
}

export interface LicensingConfig {
  /** The built-in free plan: organizations without a valid license (TENANCY_FREE_*). */
  freePlan: FreePlanSettings;
  /** A deployment silent for longer reads as inactive and stops counting (TENANCY_DEPLOYMENT_INACTIVE_AFTER_SECONDS). */
  deploymentSilenceSeconds: number;
  /**
   * TENANCY_OPERATOR_EMAILS, lower-case: platform operators by configuration (a bootstrap; the
   * owners and admins of the default instance are operators too, see services/operators.ts).
   */
  operatorEmails: readonly string[];
  /** Signs license keys (current) and verifies them (current and previous). */
  signingKeys: LicenseSigningKeys;
}

/**
 * A production deployment: NODE_ENV=production against PostgreSQL. Zero-config conveniences (a
 * generated secret, the dev mailbox) are refused there, since several instances share one database.
 */
export function isProductionDeployment(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV === "production" && Boolean(env.DATABASE_URL?.trim());
}

function positiveInt(value: string | undefined, fallback: number): number {
  const parsed = Number.parseInt(value ?? "", 10);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

/**
 * The origin accept links and auth use. Every instance must use the same one, so in production
 * against PostgreSQL (several instances behind one address) it must be set: a start-up error
 * otherwise, like a missing secret. Locally it defaults to http://localhost:$PORT.
 */
export function resolvePublicUrl(env: NodeJS.ProcessEnv = process.env): string {
  const configured = (env.TENANCY_PUBLIC_URL ?? env.BETTER_AUTH_URL)?.trim();
  if (!configured) {
    if (isProductionDeployment(env)) {
      throw new Error(
        "TENANCY_PUBLIC_URL is not set. In production with DATABASE_URL every instance must build links to the " +
          "same public address: set TENANCY_PUBLIC_URL to it on every instance (e.g. https://tenancy.example.com).",
      );
    }
    return `http://localhost:${env.PORT ?? "3000"}`;
  }
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    throw new Error(`TENANCY_PUBLIC_URL is not a valid URL: ${JSON.stringify(configured)}.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new Error(`TENANCY_PUBLIC_URL must be an http(s) URL, not ${JSON.stringify(configured)}.`);
  return configured.replace(/\/+$/, "");
}

const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/** The public origin, its loopback aliases (local use), and TENANCY_TRUSTED_ORIGINS (comma-separated). */
export function trustedOriginsOf(publicUrl: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const origins = new Set<string>();
  const url = new URL(publicUrl);
  origins.add(url.origin);
  if (LOOPBACK_HOSTS.includes(url.hostname)) {
    for (const host of LOOPBACK_HOSTS) origins.add(`${url.protocol}//${host}${url.port ? `:${url.port}` : ""}`);
  }
  for (const entry of (env.TENANCY_TRUSTED_ORIGINS ?? "").split(",")) {
    const origin = entry.trim().replace(/\/+$/, "");
    if (origin) origins.add(URL.canParse(origin) ? new URL(origin).origin : origin);
  }
  return [...origins];
}

/** 1 MiB: far above any valid input (the largest text field is 2,000 characters). */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** Unset or empty = unlimited; otherwise a whole number ≥ 0 (a clear start-up error else). */
function limitFromEnv(env: NodeJS.ProcessEnv, name: string): number | null {
  const raw = env[name]?.trim();
  if (!raw || raw === "unlimited") return null;
  if (!/^\d{1,9}$/.test(raw))
    throw new Error(`${name} must be a whole number ≥ 0, or "unlimited" (got ${JSON.stringify(raw)}).`);
  return Number(raw);
}

const FEATURE_PATTERN = /^[a-z0-9][a-z0-9._:-]{0,63}$/;

/** Comma-separated feature flags (lower-case letters, digits, `.`, `_`, `:`, `-`). */
export function featuresFromEnv(env: NodeJS.ProcessEnv, name: string): string[] {
  const features: string[] = [];
  for (const entry of (env[name] ?? "").split(",")) {
    const feature = entry.trim().toLowerCase();
    if (!feature) continue;
    if (!FEATURE_PATTERN.test(feature))
      throw new Error(`${name}: ${JSON.stringify(feature)} is not a valid feature flag.`);
    if (!features.includes(feature)) features.push(feature);
  }
  return features;
}

/** One hour: a deployment is expected to call deployments.heartbeat every few minutes. */
export const DEFAULT_DEPLOYMENT_SILENCE_SECONDS = 3600;

export function licensingConfigFromEnv(
  signingKeys: LicenseSigningKeys,
  env: NodeJS.ProcessEnv = process.env,
): LicensingConfig {
  return {
    freePlan: {
      name: "Free",
      // Unlimited seats by default: an existing installation's organizations keep working as before
      // until an operator decides what the free plan allows. No deployments without a license.
      seats: limitFromEnv(env, "TENANCY_FREE_SEATS"),
      deployments: env.TENANCY_FREE_DEPLOYMENTS?.trim() ? limitFromEnv(env, "TENANCY_FREE_DEPLOYMENTS") : 0,
      features: featuresFromEnv(env, "TENANCY_FREE_FEATURES"),
    },
    deploymentSilenceSeconds: positiveInt(
      env.TENANCY_DEPLOYMENT_INACTIVE_AFTER_SECONDS,
      DEFAULT_DEPLOYMENT_SILENCE_SECONDS,
    ),
    operatorEmails: emailListFromEnv(env, "TENANCY_OPERATOR_EMAILS"),
    signingKeys,
  };
}

/** What the server holds that the environment alone does not give: its secrets and signing keys. */
export interface ServerKeys {
  secrets: ServerSecrets;
  licenseSigningKeys: LicenseSigningKeys;
}

export function apiConfigFromEnv(keys: ServerKeys, env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const publicUrl = resolvePublicUrl(env);
  const secrets = keys.secrets;
  return {
    secrets,
    publicUrl,
    trustedOrigins: trustedOriginsOf(publicUrl, env),
    maxBodyBytes: positiveInt(env.TENANCY_MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES),
    dns: {
      servers: (env.TENANCY_DNS_SERVERS ?? "")
        .split(",")
        .map((server) => server.trim())
        .filter(Boolean),
      timeoutMs: positiveInt(env.TENANCY_DNS_TIMEOUT_MS, 5000),
    },
    rateLimits: {
      redeemPerUser: { limit: positiveInt(env.TENANCY_RATE_REDEEM_PER_USER, 20), windowSeconds: 60 },
      redeemPerIp: { limit: positiveInt(env.TENANCY_RATE_REDEEM_PER_IP, 60), windowSeconds: 60 },
      previewPerIp: { limit: positiveInt(env.TENANCY_RATE_PREVIEW_PER_IP, 120), windowSeconds: 60 },
      activatePerIp: { limit: positiveInt(env.TENANCY_RATE_ACTIVATE_PER_IP, 30), windowSeconds: 60 },
      heartbeatPerIp: { limit: positiveInt(env.TENANCY_RATE_HEARTBEAT_PER_IP, 600), windowSeconds: 60 },
    },
    licensing: licensingConfigFromEnv(keys.licenseSigningKeys, env),
    instances: {
      // TENANCY_OPERATOR_EMAILS (licensing's bootstrap, older) names platform operators too, and a
      // platform operator is an owner or admin of the default instance: one notion, two spellings.
      adminEmails: [
        ...new Set([
          ...emailListFromEnv(env, "TENANCY_ADMIN_EMAILS"),
          ...emailListFromEnv(env, "TENANCY_OPERATOR_EMAILS"),
        ]),
      ],
    },
  };
}
