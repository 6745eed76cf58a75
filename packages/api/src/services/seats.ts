import type { DbClient, TransactionClient } from "@tenancy/db/client";

import type { ApiConfig } from "../config";
import { paymentRequired } from "../domain/errors";
import { entitlementsOf, type Entitlements } from "../domain/licensing";
import type { MembershipLock } from "./locks";

/**
 * Seats: an organization's members, plus the seats its pending invitations hold.
 *
 * - A pending, unexpired invitation **reserves** a seat from the moment it is sent, so new
 *   invitations, join codes and `members.add` cannot give away a seat someone was promised.
 *   Invitations addressed to someone who is already a member reserve nothing.
 * - **Accepting** an invitation turns its reservation into the member's seat: it needs only
 *   `members < limit`, so invitees are admitted first come, first served even when the limit dropped
 *   below what was promised (a license expired), and never past the limit.
 * - Joining with a code or being added by email also counts the newcomer's own pending invitation as
 *   theirs (it is the seat they take), not as a second seat.
 */
export interface SeatUsage {
  members: number;
  /** The role of the user readSeatUsage was asked about, when they are a member already (else null). */
  memberRole: string | null;
  /** Seats held by pending, unexpired invitations to people who are not members. */
  reserved: number;
  entitlements: Entitlements;
}

interface SeatRow {
  members: number;
  memberRole: string | null;
  reserved: number;
  planKey: string | null;
  planName: string | null;
  seatLimit: number | null;
  deploymentLimit: number | null;
  features: string[] | null;
  validFrom: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/**
 * One statement: members (the organization's memberCount, kept exact by triggers), reservations (not
 * counting invitations to `exceptEmail`), the role of `userId` when they are a member, and the
 * assigned license's terms. Timestamps are UTC in columns without a time zone, so "now" is taken in
 * UTC too.
 */
export async function readSeatUsage(
  db: DbClient,
  config: ApiConfig,
  organizationId: string,
  exceptEmail: string | null = null,
  userId: string | null = null,
): Promise<SeatUsage> {
  const rows = await db.$queryRaw<SeatRow[]>`
    SELECT
      (SELECT "memberCount" FROM "organization" WHERE "id" = ${organizationId}) AS "members",
      (SELECT "role" FROM "membership" WHERE "organizationId" = ${organizationId} AND "userId" = ${userId}) AS "memberRole",
      (SELECT count(*)::int FROM "invitation" i
         WHERE i."organizationId" = ${organizationId}
           AND i."pendingEmail" IS NOT NULL
           AND i."expiresAt" > (now() AT TIME ZONE 'UTC')
           AND i."email" IS DISTINCT FROM ${exceptEmail}
           AND NOT EXISTS (
             SELECT 1 FROM "membership" m JOIN "user" u ON u."id" = m."userId"
             WHERE m."organizationId" = ${organizationId} AND u."email" = i."email")) AS "reserved",
      l."planKey", l."planName", l."seatLimit", l."deploymentLimit", l."features",
      l."validFrom", l."expiresAt", l."revokedAt"
    FROM (SELECT 1) AS "one"
    LEFT JOIN "license_assignment" a ON a."organizationId" = ${organizationId}
    LEFT JOIN "license" l ON l."id" = a."licenseId"`;
  const row = rows[0]!;
  const license =
    row.planKey !== null && row.planName !== null && row.validFrom !== null
      ? {
          planKey: row.planKey,
          planName: row.planName,
          seatLimit: row.seatLimit,
          deploymentLimit: row.deploymentLimit,
          features: row.features ?? [],
          validFrom: new Date(row.validFrom),
          expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt),
          revokedAt: row.revokedAt === null ? null : new Date(row.revokedAt),
        }
      : null;
  return {
    members: Number(row.members ?? 0),
    memberRole: row.memberRole,
    reserved: Number(row.reserved),
    entitlements: entitlementsOf(license, config.licensing.freePlan),
  };
}

export interface SeatClaim {
  /** The newcomer's address: their own pending invitation is the seat they take. */
  email: string;
  /** Accepting an invitation: the newcomer already holds a reserved seat (see above). */
  holdsReservation?: boolean;
  /**
   * The newcomer's user id, when they have an account: someone who is a member already takes no new
   * seat, and their role comes back in the same statement (SeatCheck.memberRole).
   */
  userId?: string;
}

export interface SeatCheck {
  /** The claimant's role when they are a member already (they take no seat); null otherwise. */
  memberRole: string | null;
  /** Throws 402 `seat_limit_reached` unless the claim fits (a member already always fits). */
  assertAvailable(): void;
}

/**
 * The seat limit, for every way a seat is taken or promised (members.add, invitations.create,
 * invitations.accept, joinCodes.join, and any future path such as domain auto-join). Call it in the
 * change's transaction, holding the organization's membership lock (the `lock` argument proves it),
 * after the lock was granted, so concurrent joins are counted one after another: an organization
 * with N seats never gets N + 1 members. One statement; the caller decides when to refuse (its other
 * refusals may come first) with `assertAvailable()`.
 */
export async function checkSeat(
  tx: TransactionClient,
  lock: MembershipLock,
  config: ApiConfig,
  claim: SeatClaim,
): Promise<SeatCheck> {
  const usage = await readSeatUsage(tx, config, lock.organizationId, claim.email.toLowerCase(), claim.userId ?? null);
  return {
    memberRole: usage.memberRole,
    assertAvailable: () => {
      if (usage.memberRole === null) assertClaimFits(usage, claim);
    },
  };
}

/** checkSeat, refusing at once. Refuses with 402 `seat_limit_reached`. */
export async function assertSeatAvailable(
  tx: TransactionClient,
  lock: MembershipLock,
  config: ApiConfig,
  claim: SeatClaim,
): Promise<void> {
  (await checkSeat(tx, lock, config, claim)).assertAvailable();
}

function assertClaimFits(usage: SeatUsage, claim: SeatClaim): void {
  const limit = usage.entitlements.limits.seats;
  if (limit === null) return;
  const taken = claim.holdsReservation ? usage.members : usage.members + usage.reserved;
  if (taken + 1 <= limit) return;
  const plan = usage.entitlements.plan;
  throw paymentRequired(
    "seat_limit_reached",
    `This organization has used all ${limit} seat${limit === 1 ? "" : "s"} of its ${plan.name} plan ` +
      `(${usage.members} member${usage.members === 1 ? "" : "s"}` +
      `${usage.reserved > 0 ? `, ${usage.reserved} pending invitation${usage.reserved === 1 ? "" : "s"}` : ""}). ` +
      "An owner can free a seat or upgrade the plan.",
    { limit, members: usage.members, reserved: usage.reserved, plan: plan.key },
  );
}
