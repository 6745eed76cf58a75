import { DomainError } from "../domain/errors";
import { digestsEqual, sha256Hex } from "./secrets";

/** What every token kind stores that decides whether a presented secret is accepted. */
export interface StoredTokenSecret {
  secretHash: string;
  revokedAt: Date | null;
  /** Organization API tokens do not expire; instance and personal tokens may. */
  expiresAt?: Date | null;
}

/**
 * The one validity rule for organization, instance and personal tokens: the token exists, is not
 * revoked, has not expired, and the secret matches its stored SHA-256 (compared in constant time).
 */
export function tokenAccepts<T extends StoredTokenSecret>(
  token: T | null | undefined,
  secret: string,
  now: number,
): token is T {
  if (!token || token.revokedAt) return false;
  if (token.expiresAt && token.expiresAt.getTime() <= now) return false;
  return digestsEqual(sha256Hex(secret), token.secretHash);
}

/** One answer for every refused token: which check failed is not the caller's business. */
export const invalidToken = () =>
  new DomainError("unauthenticated", "invalid_api_token", "Invalid, expired or revoked API token");

// lastUsedAt is informational; writing it at most once a minute keeps token calls read-only on the hot path.
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Is it time to record a token's use again? */
export function lastUseIsStale(lastUsedAt: Date | null, now: number): boolean {
  return !lastUsedAt || now - lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS;
}
