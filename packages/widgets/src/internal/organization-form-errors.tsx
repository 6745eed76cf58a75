import { errorMessage, errorReason, fieldErrors } from "../errors";

const HANDLE_REASONS = new Set(["handle_taken", "handle_invalid", "handle_reserved"]);

/**
 * The server's complaints about an organization form (create or settings), by field. A taken or
 * unusable handle comes back as a reason, not a field error, and is shown under the handle too;
 * `hasFieldErrors` says whether any of it has a field to stand under.
 */
export function organizationFormErrors(error: unknown) {
  const fields = error ? fieldErrors(error) : {};
  const reason = errorReason(error);
  const handle = reason && HANDLE_REASONS.has(reason) ? errorMessage(error) : fields.handle;
  return {
    name: fields.name,
    handle,
    description: fields.description,
    hasFieldErrors: Boolean(fields.name || fields.description || handle),
  };
}
