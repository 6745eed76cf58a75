import type { ErrorReason } from "../domain/errors";

/**
 * The HTTP status each error reason is answered with (the DomainError kind at its throw sites, as
 * mapped in trpc.ts). A Record, so a new reason does not typecheck until it has its status here; the
 * contract tests check live answers against it.
 */
export const STATUS_OF_REASON: Record<ErrorReason, number> = {
  invalid_input: 400,
  invalid_json: 400,
  handle_invalid: 400,
  handle_reserved: 400,
  unauthenticated: 401,
  invalid_api_token: 401,
  forbidden: 403,
  cross_site_request: 403,
  email_unverified: 403,
  permission_denied: 403,
  owner_required: 403,
  user_required: 403,
  email_mismatch: 403,
  organization_inactive: 403,
  not_found: 404,
  organization_not_found: 404,
  user_not_found: 404,
  member_not_found: 404,
  membership_not_found: 404,
  invitation_not_found: 404,
  join_code_not_found: 404,
  api_token_not_found: 404,
  plan_not_found: 404,
  license_not_found: 404,
  deployment_not_found: 404,
  license_key_invalid: 400,
  deployment_token_invalid: 401,
  operator_required: 403,
  seat_limit_reached: 402,
  deployment_limit_reached: 402,
  plan_key_taken: 409,
  plan_archived: 409,
  license_in_use: 409,
  license_expired: 409,
  license_revoked: 409,
  deployment_deactivated: 409,
  method_not_allowed: 405,
  conflict: 409,
  handle_taken: 409,
  last_owner: 409,
  already_member: 409,
  invitation_expired: 409,
  invitation_revoked: 409,
  invitation_used: 409,
  invitation_declined: 409,
  join_code_expired: 409,
  join_code_revoked: 409,
  join_code_exhausted: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
};

/** Reasons the /v1 transport itself answers with, before any procedure runs. */
export const TRANSPORT_STATUS_OF_REASON = {
  invalid_json: STATUS_OF_REASON.invalid_json,
  unsupported_media_type: STATUS_OF_REASON.unsupported_media_type,
  payload_too_large: STATUS_OF_REASON.payload_too_large,
  cross_site_request: STATUS_OF_REASON.cross_site_request,
} as const;
