import { Prisma, type TransactionClient } from "@tenancy/db/client";

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

/**
 * The same lock, taken by a statement that reads other things in the same round trip: a CTE
 * `membership_lock` over the organization id expression `organizationId` (the statement must select
 * from it, or PostgreSQL skips it). Only what later statements of the transaction read is protected
 * by it (this statement's own snapshot predates the wait). After the statement ran, `lockTakenBy`
 * records the lock and gives its proof.
 */
export function membershipLockCte(organizationId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`membership_lock AS (
    SELECT "id" FROM "organization" WHERE "id" = ${organizationId} FOR NO KEY UPDATE)`;
}

/** Records that a statement with membershipLockCte locked `organizationId` in `tx`. */
export function lockTakenBy(tx: TransactionClient, organizationId: string): MembershipLock {
  let held = heldLocks.get(tx);
  if (!held) heldLocks.set(tx, (held = new Set()));
  held.add(organizationId);
  return { organizationId } as MembershipLock;
}

export async function countOwners(tx: TransactionClient, organizationId: string): Promise<number> {
  return tx.membership.count({ where: { organizationId, role: "owner" } });
}
