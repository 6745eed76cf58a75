import type { DbClient } from "@tenancy/db/client";

import type { Actor } from "../domain/actor";
import type { DomainError } from "../domain/errors";
import { authenticateApiToken } from "./apiTokens";
import { authenticateInstanceToken, INSTANCE_TOKEN_PREFIX } from "./instanceTokens";
import { authenticateUserToken, USER_TOKEN_PREFIX } from "./userTokens";

export type BearerKind = "organization" | "instance" | "user";

/** The key's prefix says which table holds the token: one lookup, never a guess across kinds. */
export function bearerKindOf(key: string): BearerKind {
  if (key.startsWith(INSTANCE_TOKEN_PREFIX)) return "instance";
  if (key.startsWith(USER_TOKEN_PREFIX)) return "user";
  return "organization";
}

/**
 * The caller an `Authorization: Bearer <key>:<secret>` names: an organization API token, an instance
 * API token or a personal access token (user token), each resolved in one statement.
 */
export async function authenticateBearer(
  db: DbClient,
  bearer: { key: string; secret: string } | "malformed",
): Promise<{ ok: true; actor: Actor } | { ok: false; error: DomainError }> {
  if (bearer === "malformed") return authenticateApiToken(db, bearer);
  switch (bearerKindOf(bearer.key)) {
    case "instance":
      return authenticateInstanceToken(db, bearer);
    case "user":
      return authenticateUserToken(db, bearer);
    default:
      return authenticateApiToken(db, bearer);
  }
}
