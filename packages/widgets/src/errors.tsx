import { ERROR_REASONS, type ErrorReason } from "@tenancy/api/errors";

/**
 * Plain words for every machine-readable reason the API can give (error.data.reason). Typed by the
 * API's ERROR_REASONS: a new reason without words here fails the typecheck.
 */
const MESSAGES: Record<ErrorReason, string> = {
  invalid_input: "Please check the highlighted fields.",
  invalid_json: "The request couldn't be read. Please try again.",
  unauthenticated: "Please sign in again.",
  invalid_api_token: "That API token isn't valid, or it was revoked.",
  forbidden: "You're not allowed to do this.",
  cross_site_request: "This request came from another site and was refused. Reload the page and try again.",
  email_unverified: "Verify your email address first: open the link we sent you, or ask for a new one.",
  not_found: "That doesn't exist, or you're not allowed to see it.",
  method_not_allowed: "That action isn't supported.",
  unsupported_media_type: "The request was sent in a format the server doesn't accept.",
  payload_too_large: "That's too much to send at once.",
  conflict: "That conflicts with a change someone else just made. Reload and try again.",
  organization_not_found: "This organization doesn't exist, or you're not a member of it.",
  organization_inactive: "This organization is inactive and read-only until an owner or admin reactivates it.",
  permission_denied: "Your role doesn't allow this.",
  owner_required: "Only an owner can grant, change or remove the owner role.",
  user_required: "This needs a signed-in user.",
  handle_taken: "That handle is already taken.",
  handle_invalid: "That handle can't be used.",
  handle_reserved: "That handle is reserved. Choose another one.",
  last_owner: "An organization needs at least one owner. Make someone else an owner first.",
  already_member: "That person is already a member.",
  user_not_found: "Nobody has signed up with that email yet. Send an invitation instead.",
  member_not_found: "That person is no longer a member.",
  membership_not_found: "That membership doesn't exist, or you're not allowed to see it.",
  invitation_not_found: "This invitation link isn't valid.",
  invitation_expired: "This invitation has expired. Ask for a new one.",
  invitation_revoked: "This invitation was revoked. Ask for a new one.",
  invitation_used: "This invitation has already been used.",
  invitation_declined: "This invitation was declined.",
  email_mismatch: "This invitation was sent to a different email address.",
  join_code_not_found: "That code isn't valid. Check it and try again.",
  join_code_expired: "That code has expired.",
  join_code_revoked: "That code was revoked.",
  join_code_exhausted: "That code has reached its maximum number of uses.",
  api_token_not_found: "That API token doesn't exist, or it was already removed.",
  role_not_found: "That role doesn't exist in this organization (it may have just been deleted).",
  role_key_taken: "This organization already has a role with that key.",
  role_in_use: "Members, pending invitations or join codes still use this role. Choose a role to give them instead.",
  permission_escalation: "You can only create, edit or grant roles whose permissions you have yourself.",
  image_invalid: "Use a PNG, JPEG, GIF or WebP image.",
  image_too_large: "The logo must be at most 256 KB.",
  domain_invalid: "That is not a domain people have email addresses at, e.g. acme.com.",
  domain_already_added: "That domain is already one of this organization's domains.",
  domain_limit_reached: "This organization has as many domains as it can have. Remove one first.",
  domain_not_found: "That domain was removed.",
  domain_not_verified: "Verify the domain first.",
  domain_taken: "Another organization has already verified this domain.",
  operator_required: "Only platform operators can do this.",
  instance_not_found: "That instance does not exist, or you do not administer it.",
  insufficient_scope: "This API token's scopes do not allow that.",
  session_required: "Sign in with your password to do this; a personal access token cannot.",
  seat_limit_reached:
    "This organization has no free seats on its plan. An owner can free a seat (remove a member or revoke a pending invitation) or upgrade the plan.",
  deployment_limit_reached:
    "All the deployments this license allows are active. Deactivate one, or upgrade the license.",
  plan_not_found: "That plan doesn't exist.",
  plan_key_taken: "A plan with that key already exists.",
  plan_archived: "That plan is archived and can't be used for new licenses.",
  license_not_found: "That license doesn't exist.",
  license_in_use: "That license is already assigned to another organization.",
  license_key_invalid: "That license key isn't valid. Check that you copied all of it.",
  license_expired: "That license has expired.",
  license_revoked: "That license was revoked.",
  deployment_not_found: "That deployment doesn't exist, or it isn't on this organization's license.",
  deployment_token_invalid: "That deployment token isn't valid. Activate the deployment again.",
  deployment_deactivated: "That deployment was deactivated by an administrator.",
  rate_limited: "Too many attempts. Wait a minute and try again.",
  internal_error: "Something went wrong on our side. Please try again.",
};

/** Reasons whose server message carries specifics worth showing (which email, how long to wait). */
const SPECIFIC_MESSAGES: ReadonlySet<ErrorReason> = new Set([
  "email_mismatch",
  "rate_limited",
  "email_unverified",
  // Which image problem, which domain problem: the server says.
  "image_invalid",
  "image_too_large",
  "domain_invalid",
  "seat_limit_reached",
  "deployment_limit_reached",
  "license_expired",
  "role_in_use",
  "permission_escalation",
]);

const isErrorReason = (value: unknown): value is ErrorReason =>
  typeof value === "string" && (ERROR_REASONS as readonly string[]).includes(value);

interface TRPCLikeError {
  message?: string;
  data?: { reason?: string; fieldErrors?: Record<string, string[] | undefined> | null } | null;
}

/** The API's machine-readable reason of a Tenancy call's error, if it has one. */
export function errorReason(error: unknown): ErrorReason | undefined {
  const reason = (error as TRPCLikeError | null)?.data?.reason;
  return isErrorReason(reason) ? reason : undefined;
}

/** A sentence to show a person for any error thrown by a Tenancy call. */
export function errorMessage(error: unknown): string {
  const e = error as TRPCLikeError | null;
  const reason = errorReason(error);
  if (reason) return (SPECIFIC_MESSAGES.has(reason) ? e?.message : undefined) ?? MESSAGES[reason];
  if (e?.message && !/fetch|network/i.test(e.message)) return e.message;
  return "Couldn't reach the server. Check your connection and try again.";
}

/** Field-level messages from a BAD_REQUEST (zod) error, keyed by input field. */
export function fieldErrors(error: unknown): Record<string, string | undefined> {
  const fields = (error as TRPCLikeError | null)?.data?.fieldErrors ?? {};
  return Object.fromEntries(Object.entries(fields).map(([key, messages]) => [key, messages?.[0]]));
}
