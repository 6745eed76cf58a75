import type { DbClient } from "@tenancy/db/client";

import type { ApiConfig } from "../config";
import type { Actor } from "../domain/actor";

/**
 * Is this caller a platform operator (issues licenses, keeps the plan catalogue, assigns licenses
 * to any organization)? The one place that decides it: an owner or admin of the default instance
 * (the platform's own), or a user whose email is in TENANCY_OPERATOR_EMAILS (a bootstrap that needs
 * no database row). A verified address is required either way, or anyone could sign up with an
 * operator's address before they do. Instance tokens and org tokens never are.
 */
export async function isPlatformOperator(db: DbClient, config: ApiConfig, actor: Actor | null): Promise<boolean> {
  if (actor?.type !== "user" || !actor.emailVerified) return false;
  if (config.licensing.operatorEmails.includes(actor.email.toLowerCase())) return true;
  const administrator = await db.instanceMember.findFirst({
    where: { userId: actor.userId, role: { in: ["owner", "admin"] }, instance: { isDefault: true } },
    select: { id: true },
  });
  return administrator !== null;
}
