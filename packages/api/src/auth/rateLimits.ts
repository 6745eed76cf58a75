import type { RateLimitRule } from "../config";

/**
 * Better Auth's throttling of its own endpoints, per client IP, counted in the database (shared by
 * every instance). Its defaults (3 sign-ups or sign-ins per 10 s per IP) stop a team signing up
 * together from one office network; these allow a burst of a few dozen people per IP and still cap
 * what one address can do in a day (30 per 5 minutes is at most 8,640 a day, a third of the default).
 */
export interface AuthRateLimits {
  /** POST /sign-up/email. */
  signUpPerIp: RateLimitRule;
  /** POST /sign-in/email (password guessing). */
  signInPerIp: RateLimitRule;
  /** POST /request-password-reset: each one sends an email. */
  passwordResetRequestsPerIp: RateLimitRule;
  /** POST /change-password (needs a session, and the current password). */
  changePasswordPerIp: RateLimitRule;
  /** POST /send-verification-email: each one queues an email; a handful per minute is plenty for a person. */
  verificationEmailsPerIp: RateLimitRule;
}

export const DEFAULT_AUTH_RATE_LIMITS: AuthRateLimits = {
  signUpPerIp: { limit: 30, windowSeconds: 300 },
  signInPerIp: { limit: 30, windowSeconds: 300 },
  passwordResetRequestsPerIp: { limit: 10, windowSeconds: 900 },
  changePasswordPerIp: { limit: 10, windowSeconds: 300 },
  verificationEmailsPerIp: { limit: 3, windowSeconds: 60 },
};

function positiveInt(value: string | undefined): number | null {
  const parsed = Number.parseInt(value ?? "", 10);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : null;
}

/** The limits, with TENANCY_AUTH_SIGN_UPS_PER_IP / TENANCY_AUTH_SIGN_INS_PER_IP (per 5 minutes) for big offices. */
export function authRateLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): AuthRateLimits {
  const signUps = positiveInt(env.TENANCY_AUTH_SIGN_UPS_PER_IP);
  const signIns = positiveInt(env.TENANCY_AUTH_SIGN_INS_PER_IP);
  return {
    ...DEFAULT_AUTH_RATE_LIMITS,
    ...(signUps ? { signUpPerIp: { limit: signUps, windowSeconds: 300 } } : {}),
    ...(signIns ? { signInPerIp: { limit: signIns, windowSeconds: 300 } } : {}),
  };
}

/** The limits as Better Auth's `rateLimit.customRules` (path → window in seconds and max requests). */
export function betterAuthRateLimitRules(limits: AuthRateLimits): Record<string, { window: number; max: number }> {
  const rule = ({ limit, windowSeconds }: RateLimitRule) => ({ window: windowSeconds, max: limit });
  return {
    "/sign-up/email": rule(limits.signUpPerIp),
    "/sign-in/email": rule(limits.signInPerIp),
    "/request-password-reset": rule(limits.passwordResetRequestsPerIp),
    "/change-password": rule(limits.changePasswordPerIp),
    "/send-verification-email": rule(limits.verificationEmailsPerIp),
  };
}
