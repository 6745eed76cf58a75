import { Prisma, type DbClient, type TransactionClient } from "@tenancy/db/client";

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
/** What decides whether a user may take a seat, but the counts (lockFreeSeat needs no more). */
export interface SeatTerms {
  /** The role of the user asked about, when they are a member already (else null). */
  memberRole: string | null;
  /** The organization's planVersion (see lockFreeSeat). */
  planVersion: number;
  entitlements: Entitlements;
}

export interface SeatUsage extends SeatTerms {
  members: number;
  /** Seats held by pending, unexpired invitations to people who are not members. */
  reserved: number;
}

/** One row as seatTermsSelect reads it. */
export interface SeatTermsRow {
  memberRole: string | null;
  planVersion: number | null;
  planKey: string | null;
  planName: string | null;
  seatLimit: number | null;
  deploymentLimit: number | null;
  features: string[] | null;
  licenseValidFrom: Date | null;
  licenseExpiresAt: Date | null;
  licenseRevokedAt: Date | null;
}

/** One row as seatUsageSelect reads it. */
interface SeatRow extends SeatTermsRow {
  members: number;
  reserved: number;
}

/**
 * One row: the role of `userId` when they are a member, the organization's planVersion and the
 * assigned license's terms, for the organization `organizationId` (an SQL expression, so a statement
 * can read them for what it found: `CROSS JOIN LATERAL (…)`; the column names are chosen not to clash
 * with an invitation's or a join code's).
 */
export function seatTermsSelect(organizationId: Prisma.Sql, userId: string | null): Prisma.Sql {
  return seatSelect(organizationId, userId, Prisma.empty);
}

/**
 * seatTermsSelect with the counts: members (the organization's memberCount, kept exact by triggers)
 * and reservations (not counting invitations to `exceptEmail`). Timestamps are UTC in columns without
 * a time zone, so "now" is taken in UTC too.
 */
function seatUsageSelect(organizationId: Prisma.Sql, exceptEmail: string | null, userId: string | null): Prisma.Sql {
  return seatSelect(
    organizationId,
    userId,
    Prisma.sql`
      (SELECT "memberCount" FROM "organization" WHERE "id" = ${organizationId}) AS "members",
      ${reservedSeatsSql(organizationId, exceptEmail)} AS "reserved",`,
  );
}

/**
 * The seats pending, unexpired invitations hold in the organization `organizationId` (an SQL
 * expression), not counting invitations to `exceptEmail` (the newcomer's own is the seat they take)
 * nor to people who are members already. Timestamps are UTC in columns without a time zone, so "now"
 * is taken in UTC too.
 */
function reservedSeatsSql(organizationId: Prisma.Sql, exceptEmail: string | null): Prisma.Sql {
  return Prisma.sql`(SELECT count(*)::int FROM "invitation" i
         WHERE i."organizationId" = ${organizationId}
           AND i."pendingEmail" IS NOT NULL
           AND i."expiresAt" > (now() AT TIME ZONE 'UTC')
           AND i."email" IS DISTINCT FROM ${exceptEmail}
           AND NOT EXISTS (
             SELECT 1 FROM "membership" m JOIN "user" u ON u."id" = m."userId"
             WHERE m."organizationId" = ${organizationId} AND u."email" = i."email"))`;
}

function seatSelect(organizationId: Prisma.Sql, userId: string | null, counts: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT ${counts}
      (SELECT "planVersion" FROM "organization" WHERE "id" = ${organizationId}) AS "planVersion",
      (SELECT "role" FROM "membership" WHERE "organizationId" = ${organizationId} AND "userId" = ${userId}) AS "memberRole",
      l."planKey", l."planName", l."seatLimit", l."deploymentLimit", l."features",
      l."validFrom" AS "licenseValidFrom", l."expiresAt" AS "licenseExpiresAt", l."revokedAt" AS "licenseRevokedAt"
    FROM (SELECT 1) AS "one"
    LEFT JOIN "license_assignment" a ON a."organizationId" = ${organizationId}
    LEFT JOIN "license" l ON l."id" = a."licenseId"`;
}

/** What a seatTermsSelect row means, under the configured free plan. */
export function seatTermsOf(row: SeatTermsRow, config: ApiConfig): SeatTerms {
  const license =
    row.planKey !== null && row.planName !== null && row.licenseValidFrom !== null
      ? {
          planKey: row.planKey,
          planName: row.planName,
          seatLimit: row.seatLimit,
          deploymentLimit: row.deploymentLimit,
          features: row.features ?? [],
          validFrom: new Date(row.licenseValidFrom),
          expiresAt: row.licenseExpiresAt === null ? null : new Date(row.licenseExpiresAt),
          revokedAt: row.licenseRevokedAt === null ? null : new Date(row.licenseRevokedAt),
        }
      : null;
  return {
    memberRole: row.memberRole,
    planVersion: Number(row.planVersion ?? 0),
    entitlements: entitlementsOf(license, config.licensing.freePlan),
  };
}

/** What a seatUsageSelect row means, under the configured free plan. */
function seatUsageOf(row: SeatRow, config: ApiConfig): SeatUsage {
  return { ...seatTermsOf(row, config), members: Number(row.members ?? 0), reserved: Number(row.reserved) };
}

/** seatUsageSelect for one organization, in one statement. */
export async function readSeatUsage(
  db: DbClient,
  config: ApiConfig,
  organizationId: string,
  exceptEmail: string | null = null,
  userId: string | null = null,
): Promise<SeatUsage> {
  const rows = await db.$queryRaw<SeatRow[]>`${seatUsageSelect(Prisma.sql`${organizationId}`, exceptEmail, userId)}`;
  return seatUsageOf(rows[0]!, config);
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

/** A seat taken without holding the membership lock while deciding: see lockFreeSeat. */
export interface LockFreeSeat {
  readonly organizationId: string;
  readonly planVersion: number;
  /** The plan's seat limit with the claim that must fit it; null: no limit. */
  readonly limited: { readonly seats: number; readonly claim: SeatClaim } | null;
}

/**
 * Whether a newcomer's seat can be taken without holding the membership lock while deciding, from
 * seat terms read without it (seatTermsSelect): when the claimant is not a member yet (a concurrent
 * join of the same user then fails the membership's unique key, and the caller retries under the
 * lock). The write statement then takes the lock itself and, with lockFreeSeatGuardCte, re-reads
 * what the decision rested on and applies the seat rule (assertClaimFits) there. Null: take the lock
 * first and checkSeat.
 */
export function lockFreeSeat(terms: SeatTerms, organizationId: string, claim: SeatClaim): LockFreeSeat | null {
  if (terms.memberRole !== null) return null;
  const seats = terms.entitlements.limits.seats;
  return { organizationId, planVersion: terms.planVersion, limited: seats === null ? null : { seats, claim } };
}

/**
 * `seat_guard AS (…)`: the organization's membership lock (its row, as lockOrganizationMemberships
 * takes it), taken by the write statement itself and held to its commit, and only if the
 * organization is still active on the plan lockFreeSeat read and, with a seat limit, the claim still
 * fits (assertClaimFits, the same rule):
 * - a row lock re-reads the newest committed row after any wait, so `memberCount` (which every
 *   membership change updates under this same lock) is exact;
 * - the reservations (claims without one of their own) are counted with the statement's snapshot,
 *   taken before the wait; `reservationVersion`, bumped by triggers whenever reservations may grow,
 *   must then be the same in that snapshot and on the locked row, so none was added meanwhile (one
 *   that ended meanwhile only makes the count stricter).
 * A plan assigned, an organization deactivated, a seat taken or a seat reserved meanwhile leaves the
 * guard empty: gate every change of the statement on `EXISTS (SELECT 1 FROM seat_guard)` (which also
 * takes the lock before anything is changed) and, when it is empty, retry under the lock, which
 * answers with the reason.
 */
export function lockFreeSeatGuardCte(seat: LockFreeSeat): Prisma.Sql {
  const id = Prisma.sql`${seat.organizationId}`;
  let fits = Prisma.empty;
  if (seat.limited) {
    const { seats, claim } = seat.limited;
    fits = claim.holdsReservation
      ? Prisma.sql` AND "memberCount" + 1 <= ${seats}`
      : Prisma.sql` AND "reservationVersion" = (SELECT "reservationVersion" FROM "organization" WHERE "id" = ${id})
        AND "memberCount" + ${reservedSeatsSql(id, claim.email.toLowerCase())} + 1 <= ${seats}`;
  }
  return Prisma.sql`seat_guard AS (
    SELECT "id" FROM "organization"
    WHERE "id" = ${id} AND "active" AND "planVersion" = ${seat.planVersion}${fits}
    FOR NO KEY UPDATE)`;
}
