import { describe, expect, it } from "vitest";

import { sha256Hex } from "../src/services/secrets";
import { lastUseIsStale, LAST_USED_RESOLUTION_MS, tokenAccepts } from "../src/services/tokenValidity";

// The one rule organization, instance and personal tokens are checked by (each kind's tests cover it
// through the API; this pins every branch of the rule itself).
describe("tokenAccepts", () => {
  const now = Date.parse("2026-11-30T12:00:00Z");
  const secret = "s3cret-value";
  const stored = { secretHash: sha256Hex(secret), revokedAt: null, expiresAt: null };

  it("accepts the right secret of a live token, with or without an expiry", () => {
    expect(tokenAccepts(stored, secret, now)).toBe(true);
    expect(tokenAccepts({ ...stored, expiresAt: new Date(now + 1) }, secret, now)).toBe(true);
    expect(tokenAccepts({ secretHash: stored.secretHash, revokedAt: null }, secret, now)).toBe(true);
  });

  it("refuses a missing token, a wrong secret, a revoked token and an expired one (expiry included)", () => {
    expect(tokenAccepts(null, secret, now)).toBe(false);
    expect(tokenAccepts(undefined, secret, now)).toBe(false);
    expect(tokenAccepts(stored, `${secret}x`, now)).toBe(false);
    expect(tokenAccepts(stored, "", now)).toBe(false);
    expect(tokenAccepts({ ...stored, revokedAt: new Date(now - 1) }, secret, now)).toBe(false);
    expect(tokenAccepts({ ...stored, expiresAt: new Date(now) }, secret, now)).toBe(false);
    expect(tokenAccepts({ ...stored, expiresAt: new Date(now - 1) }, secret, now)).toBe(false);
  });

  it("refuses a stored hash that is not a SHA-256 hex digest", () => {
    expect(tokenAccepts({ ...stored, secretHash: secret }, secret, now)).toBe(false);
    expect(tokenAccepts({ ...stored, secretHash: "" }, secret, now)).toBe(false);
  });
});

describe("lastUseIsStale", () => {
  it("records the first use, then at most once per resolution", () => {
    const now = Date.parse("2026-11-30T12:00:00Z");
    expect(lastUseIsStale(null, now)).toBe(true);
    expect(lastUseIsStale(new Date(now - LAST_USED_RESOLUTION_MS), now)).toBe(false);
    expect(lastUseIsStale(new Date(now - LAST_USED_RESOLUTION_MS - 1), now)).toBe(true);
  });
});
