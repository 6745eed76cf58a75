import type { DbClient } from "@tenancy/db/client";

import type { ApiConfig } from "../config";
import type { Actor } from "../domain/actor";

/**
 * Is this caller a platform operator (issues licenses, keeps the plan catalogue, assigns licenses
 * to any organization)? The one place that decides it: today a signed-in user whose verified email
 * is in TENANCY_OPERATOR_EMAILS; instance administrators will take it over. A verified address is
 * required, or anyone could sign up with an operator's address before they do.
 */
export async function isPlatformOperator(_db: DbClient, config: ApiConfig, actor: Actor | null): Promise<boolean> {
  if (actor?.type !== "user" || !actor.emailVerified) return false;
  return config.licensing.operatorEmails.includes(actor.email.toLowerCase());
}
