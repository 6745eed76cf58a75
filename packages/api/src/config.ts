/** Settings the API needs from its host; the console builds one from the environment. */
export interface RateLimitRule {
  /** Attempts allowed per window. */
  limit: number;
  windowSeconds: number;
}

export interface ApiConfig {
  /** Origin used to build accept links, e.g. https://tenancy.example.com */
  publicUrl: string;
  /** Server secret (the auth secret): keys the encryption of queued email bodies. */
  secret: string;
  rateLimits: {
    /** joinCodes.join and invitations.accept/decline attempts, per user. */
    redeemPerUser: RateLimitRule;
    /** The same attempts, per client IP. */
    redeemPerIp: RateLimitRule;
    /** invitations.preview (public), per client IP. */
    previewPerIp: RateLimitRule;
  };
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

export function apiConfigFromEnv(secret: string, env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const port = env.PORT ?? "3000";
  return {
    secret,
    publicUrl: (env.TENANCY_PUBLIC_URL ?? env.BETTER_AUTH_URL ?? `http://localhost:${port}`).replace(/\/+$/, ""),
    rateLimits: {
      redeemPerUser: { limit: positiveInt(env.TENANCY_RATE_REDEEM_PER_USER, 20), windowSeconds: 60 },
      redeemPerIp: { limit: positiveInt(env.TENANCY_RATE_REDEEM_PER_IP, 60), windowSeconds: 60 },
      previewPerIp: { limit: positiveInt(env.TENANCY_RATE_PREVIEW_PER_IP, 120), windowSeconds: 60 },
    },
  };
}
