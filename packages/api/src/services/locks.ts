import type { TransactionClient } from "@tenancy/db/client";

/** Proof that the transaction holds an organization's membership lock (see assertSeatAvailable). */
export interface MembershipLock {
  readonly organizationId: string;
  readonly __held: unique symbol;
}

// The locks each open transaction holds, so taking one again costs no statement.
const heldLocks = new WeakMap<TransactionClient, Set<string>>();

/**
 * Serializes membership changes within one organization for the rest of the transaction.
 * Owner-count checks (last_owner) and the seat limit read and write under this lock, so two owners
 * demoting each other at once cannot both see "another owner remains", nor two joins the last seat.
 * NO KEY UPDATE leaves FK inserts unblocked. Taking it again in the same transaction is free.
 */
export async function lockOrganizationMemberships(
  tx: TransactionClient,
  organizationId: string,
): Promise<MembershipLock> {
  let held = heldLocks.get(tx);
  if (!held?.has(organizationId)) {
    await tx.$queryRaw`SELECT "id" FROM "organization" WHERE "id" = ${organizationId} FOR NO KEY UPDATE`;
    if (!held) heldLocks.set(tx, (held = new Set()));
    held.add(organizationId);
  }
  return { organizationId } as MembershipLock;
}

export async function countOwners(tx: TransactionClient, organizationId: string): Promise<number> {
  return tx.membership.count({ where: { organizationId, role: "owner" } });
}
