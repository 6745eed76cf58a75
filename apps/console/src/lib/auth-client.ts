import { createAuthClient } from "better-auth/react";

/** Better Auth in the browser, same origin (/api/auth). */
export const authClient = createAuthClient();

/** The server's rule (createAuth: minPasswordLength), for instant feedback. */
export const MIN_PASSWORD_LENGTH = 8;

/** Better Auth's error codes in plain words; anything else falls back to its own message. */
const AUTH_ERRORS: Record<string, string> = {
  INVALID_EMAIL_OR_PASSWORD: "That email and password don't match an account.",
  USER_ALREADY_EXISTS: "An account with this email already exists. Sign in instead.",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "An account with this email already exists. Sign in instead.",
  PASSWORD_TOO_SHORT: "The password must be at least 8 characters long.",
  PASSWORD_TOO_LONG: "The password is too long.",
  INVALID_EMAIL: "Enter a valid email address.",
  INVALID_PASSWORD: "The password is not right.",
  INVALID_TOKEN: "This link is not valid any more. Ask for a new one.",
};

export function authErrorMessage(
  error: { code?: string; message?: string; status?: number } | null | undefined,
): string {
  if (!error) return "Something went wrong. Try again.";
  if (error.status === 429) return "Too many attempts. Wait a minute and try again.";
  if (error.code && AUTH_ERRORS[error.code]) return AUTH_ERRORS[error.code]!;
  return error.message || "Something went wrong. Try again.";
}
