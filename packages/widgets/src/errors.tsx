/** Plain words for the API's machine-readable error reasons (error.data.reason). */
const MESSAGES: Record<string, string> = {
  last_owner: "An organization needs at least one owner. Make someone else an owner first.",
  owner_required: "Only an owner can grant, change or remove the owner role.",
  permission_denied: "Your role doesn't allow this.",
  organization_not_found: "This organization doesn't exist, or you're not a member of it.",
  organization_inactive: "This organization is inactive and read-only until an owner or admin reactivates it.",
  handle_taken: "That handle is already taken.",
  handle_invalid: "That handle can't be used.",
  handle_reserved: "That handle is reserved. Choose another one.",
  already_member: "That person is already a member.",
  user_not_found: "Nobody has signed up with that email yet. Send an invitation instead.",
  member_not_found: "That person is no longer a member.",
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
  rate_limited: "Too many attempts. Wait a minute and try again.",
  unauthenticated: "Please sign in again.",
  user_required: "This needs a signed-in user.",
  invalid_input: "Please check the highlighted fields.",
  internal_error: "Something went wrong on our side. Please try again.",
};

interface TRPCLikeError {
  message?: string;
  data?: { reason?: string; fieldErrors?: Record<string, string[] | undefined> | null } | null;
}

export function errorReason(error: unknown): string | undefined {
  return (error as TRPCLikeError | null)?.data?.reason ?? undefined;
}

/** A sentence to show a person for any error thrown by a Tenancy call. */
export function errorMessage(error: unknown): string {
  const e = error as TRPCLikeError | null;
  const reason = e?.data?.reason;
  if (reason && MESSAGES[reason]) {
    // Server messages for these carry specifics (e.g. which email an invitation was sent to).
    if (reason === "email_mismatch" || reason === "rate_limited") return e?.message ?? MESSAGES[reason];
    return MESSAGES[reason];
  }
  if (e?.message && !/fetch|network/i.test(e.message)) return e.message;
  return "Couldn't reach the server. Check your connection and try again.";
}

/** Field-level messages from a BAD_REQUEST (zod) error, keyed by input field. */
export function fieldErrors(error: unknown): Record<string, string | undefined> {
  const fields = (error as TRPCLikeError | null)?.data?.fieldErrors ?? {};
  return Object.fromEntries(Object.entries(fields).map(([key, messages]) => [key, messages?.[0]]));
}
