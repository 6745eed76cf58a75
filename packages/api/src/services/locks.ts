import type { TransactionClient } from "@tenancy/db/client";

/**
 * Serializes membership changes within one organization for the rest of the transaction.
 * Owner-count checks (last_owner) read and write under this lock, so two owners demoting each
 * other at once cannot both see "another owner remains". NO KEY UPDATE leaves FK inserts unblocked.
 */
export async function lockOrganizationMemberships(tx: TransactionClient, organizationId: string): Promise<void> {
  await tx.$queryRaw`SELECT "id" FROM "organization" WHERE "id" = ${organizationId} FOR NO KEY UPDATE`;
}

export async function countOwners(tx: TransactionClient, organizationId: string): Promise<number> {
  return tx.membership.count({ where: { organizationId, role: "owner" } });
}
