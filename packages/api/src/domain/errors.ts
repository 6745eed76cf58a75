/**
 * The one error type services throw. `kind` decides the HTTP/tRPC status (mapped in one place,
 * trpc.ts); `reason` is the machine-readable code clients switch on (`last_owner`, `email_mismatch`...).
 * Client-safe: no server imports.
 */
export type DomainErrorKind =
  | "invalid" // 400
  | "unauthenticated" // 401
  | "forbidden" // 403
  | "not_found" // 404
  | "payment_required" // 402: the plan's limit (seats, deployments)
  | "conflict" // 409
  | "rate_limited"; // 429

export class DomainError extends Error {
  override readonly name = "DomainError";
  constructor(
    readonly kind: DomainErrorKind,
    readonly reason: ErrorReason,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * A request refused by a rate limit. `limit` names the limit (`redeem:user`, `preview:ip`, ...) for
 * the server's log and metrics; clients see the usual `rate_limited` reason and Retry-After.
 */
export class RateLimitedError extends DomainError {
  constructor(
    readonly limit: string,
    message: string,
    details: { retryAfterSeconds: number },
  ) {
    super("rate_limited", "rate_limited", message, details);
  }
}

export const notFound = (reason: ErrorReason, message: string) => new DomainError("not_found", reason, message);
export const forbidden = (reason: ErrorReason, message: string) => new DomainError("forbidden", reason, message);
export const conflict = (reason: ErrorReason, message: string, details?: Record<string, unknown>) =>
  new DomainError("conflict", reason, message, details);
export const paymentRequired = (reason: ErrorReason, message: string, details?: Record<string, unknown>) =>
  new DomainError("payment_required", reason, message, details);
export const invalid = (reason: ErrorReason, message: string, details?: Record<string, unknown>) =>
  new DomainError("invalid", reason, message, details);

/**
 * Every machine-readable reason an error can carry, for clients to switch on: DomainErrors (the type
 * checks it), transport refusals (`payload_too_large`, `cross_site_request`, ...) and the fallbacks
 * trpc.ts derives from a tRPC code. Nothing outside this list ever reaches a client.
 */
export const ERROR_REASONS = [
  "invalid_input",
  "invalid_json",
  "unauthenticated",
  "invalid_api_token",
  "forbidden",
  "cross_site_request",
  "email_unverified",
  "not_found",
  "method_not_allowed",
  "unsupported_media_type",
  "payload_too_large",
  "conflict",
  "organization_not_found",
  "organization_inactive",
  "permission_denied",
  "owner_required",
  "user_required",
  "handle_taken",
  "handle_invalid",
  "handle_reserved",
  "last_owner",
  "already_member",
  "user_not_found",
  "member_not_found",
  "membership_not_found",
  "invitation_not_found",
  "invitation_expired",
  "invitation_revoked",
  "invitation_used",
  "invitation_declined",
  "email_mismatch",
  "join_code_not_found",
  "join_code_expired",
  "join_code_revoked",
  "join_code_exhausted",
  "api_token_not_found",
  "role_not_found",
  "role_key_taken",
  "role_in_use",
  "permission_escalation",
  "image_invalid",
  "domain_invalid",
  "domain_already_added",
  "domain_limit_reached",
  "domain_not_found",
  "domain_not_verified",
  "domain_taken",
  "image_too_large",
  "operator_required",
  "instance_not_found",
  "insufficient_scope",
  "session_required",
  "seat_limit_reached",
  "deployment_limit_reached",
  "plan_not_found",
  "plan_key_taken",
  "plan_archived",
  "license_not_found",
  "license_in_use",
  "license_key_invalid",
  "license_expired",
  "license_revoked",
  "deployment_not_found",
  "deployment_token_invalid",
  "deployment_deactivated",
  "rate_limited",
  "internal_error",
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];
