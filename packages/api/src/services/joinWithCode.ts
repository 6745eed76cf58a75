import { Prisma, type Database } from "@tenancy/db/client";
import { queryRows } from "@tenancy/db/direct-read";
import { isUniqueViolation } from "@tenancy/db/errors";
import type { z } from "zod";

import type { ApiConfig } from "../config";
import type { UserActor } from "../domain/actor";
import { forbidden, notFound } from "../domain/errors";
import { uuidv7 } from "../domain/ids";
import type { joinWithCodeOutput } from "../schemas/joinCodes";
import { auditInsertFrom } from "./audit";
import { roleNameIn } from "./customRoles";
import { joinCodeSelect, statusOf, unusableError, type JoinCodeRow } from "./joinCodes";
import { lockTakenBy, membershipLockCte } from "./locks";
import {
  consumeRateLimits,
  redeemBuckets,
  redeemInTransaction,
  redeemWithoutLock,
  type RateLimitBucket,
} from "./rateLimit";
import {
  checkSeat,
  lockFreeSeat,
  lockFreeSeatGuardCte,
  seatTermsOf,
  seatTermsSelect,
  type SeatTermsRow,
} from "./seats";
import { normalizeCode, sha256Hex } from "./secrets";

// Joining an organization with a code: as the user holding it.

export type JoinResult = z.output<typeof joinWithCodeOutput>;
type Joined = Omit<JoinResult, "roleName">;

/** The code as a join's first statement found it (its snapshot). */
interface FoundCode {
  id: string | null;
  organizationId: string | null;
  role: string | null;
  codeHint: string | null;
  maxUses: number | null;
  uses: number | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date | null;
  organizationActive: boolean | null;
  organizationHandle: string | null;
  organizationName: string | null;
}

type UsableCode = FoundCode & JoinCodeRow & { organizationHandle: string; organizationName: string };

const inactiveOrganization = () =>
  forbidden("organization_inactive", "This organization is inactive; it cannot be joined until it is reactivated");

const codeNotFound = () => notFound("join_code_not_found", "That code is not valid");

/** `found AS (…)`: the code with the hash `codeHash`, with its organization's state. */
function foundCodeCte(codeHash: string): Prisma.Sql {
  return Prisma.sql`found AS (
    SELECT c."id", c."organizationId", c."role", c."codeHint", c."maxUses", c."uses", c."expiresAt",
           c."revokedAt", c."createdAt", o."active" AS "organizationActive",
           o."handle" AS "organizationHandle", o."name" AS "organizationName"
    FROM "join_code" c JOIN "organization" o ON o."id" = c."organizationId"
    WHERE c."codeHash" = ${codeHash}
  )`;
}

/**
 * The acting user joins with a code. A use is counted only for a new member, by a conditional
 * increment (uses < maxUses) that row-locks the code, so `maxUses: N` admits exactly N users
 * however many join at once.
 *
 * A newcomer holds no membership lock while the join is decided (joinWithoutLock, see lockFreeSeat in
 * seats.ts): one read, then one write statement that takes the lock itself, applies the seat rule and
 * is its own transaction. Whenever that cannot be used, under the lock taken first (joinUnderLock).
 * Either way one commit, the attempt counted exactly once.
 */
export async function joinWithCode(
  db: Database,
  config: ApiConfig,
  actor: UserActor,
  ip: string | null,
  rawCode: string,
): Promise<JoinResult> {
  const codeHash = sha256Hex(normalizeCode(rawCode));
  const buckets = redeemBuckets(config, actor.userId, ip);
  const lockFree = await joinWithoutLock(db, config, actor, buckets, codeHash);
  const joined =
    "organizationId" in lockFree ? lockFree : await joinUnderLock(db, config, actor, lockFree.uncounted, codeHash);
  // After the commit: a custom role's name is one statement, a built-in role's none.
  return { ...joined, roleName: await roleNameIn(db, joined.organizationId, joined.role) };
}

/**
 * Joining without holding the membership lock while deciding, when lockFreeSeat allows it. First one
 * read (no lock, no commit): the code, the organization's plan and the user's membership. A member
 * already is told so, and a refusal is answered, each with the attempt counted on its own. Then ONE
 * statement, its own transaction: the attempt counted, the membership lock taken with the
 * organization's row re-read (seat_guard: still active, still on the plan read, a seat still free),
 * and only then the use counted, the membership, the redemption and
 * the audit event. Answers the join, or the buckets the join under the lock still has to count (all
 * of them when this counted nothing, none when it did).
 */
async function joinWithoutLock(
  db: Database,
  config: ApiConfig,
  actor: UserActor,
  buckets: readonly RateLimitBucket[],
  codeHash: string,
): Promise<Joined | { uncounted: readonly RateLimitBucket[] }> {
  const [found] = await queryRows<FoundCode & SeatTermsRow>(
    db,
    Prisma.sql`
    WITH ${foundCodeCte(codeHash)}
    SELECT f.*, s.* FROM found f
    CROSS JOIN LATERAL (${seatTermsSelect(Prisma.sql`f."organizationId"`, actor.userId)}) s`,
  );
  // Whatever the answer, the attempt counts (past a limit the answer is rate_limited).
  if (!found?.id) {
    await consumeRateLimits(db, buckets);
    throw codeNotFound();
  }
  const code = found as UsableCode & SeatTermsRow;
  const terms = seatTermsOf(code, config);
  if (terms.memberRole !== null) {
    await consumeRateLimits(db, buckets);
    return joinedOf(code, terms.memberRole, true);
  }
  const refusal = joinRefusal(code);
  if (refusal) {
    await consumeRateLimits(db, buckets);
    throw refusal;
  }
  const seat = lockFreeSeat(terms, code.organizationId, { email: actor.email, userId: actor.userId });
  if (!seat) return { uncounted: buckets };
  const written = await redeemWithoutLock<{ role: string | null; guarded: boolean }>(db, buckets, (limits) =>
    queryRows(
      db,
      Prisma.sql`
      WITH ${limits.cte}, ${lockFreeSeatGuardCte(seat)},
      ${joinCtes(actor, code, Prisma.sql`${limits.allowed} AND EXISTS (SELECT 1 FROM seat_guard)`)}
      SELECT c."role", EXISTS (SELECT 1 FROM seat_guard) AS "guarded", ${limits.columns}
      FROM limited l LEFT JOIN counted c ON TRUE`,
    ),
  );
  // The user became a member meanwhile: nothing was written or counted.
  if (written === "retry_under_lock") return { uncounted: buckets };
  if (written?.guarded && written.role !== null) return joinedOf(code, written.role, false);
  // Counted, nothing written: the plan changed, the organization was deactivated or its seats taken or
  // reserved meanwhile, or no
  // use was left (a concurrent join took the last one, perhaps this same user's, who is then a
  // member; or the code was revoked). Under the lock, what is true now is read and answered.
  return { uncounted: [] };
}

/**
 * Joining under the organization's membership lock: one transaction, one commit
 * (redeemInTransaction), three statements: the attempt counted (unless it was already) with the code
 * found and the lock taken; then, under the lock, the seat check with the user's membership
 * (seats.ts: read after the lock was granted, so concurrent joins are counted one after another);
 * then the use counted, the membership, the redemption and the audit event in one statement.
 */
async function joinUnderLock(
  db: Database,
  config: ApiConfig,
  actor: UserActor,
  buckets: readonly RateLimitBucket[],
  codeHash: string,
): Promise<Joined> {
  try {
    return await redeemInTransaction<FoundCode, Joined>(
      db,
      buckets,
      (tx, limits) => tx.$queryRaw`
        WITH ${limits.cte}, ${foundCodeCte(codeHash)},
        ${membershipLockCte(Prisma.sql`(SELECT f."organizationId" FROM found f)`)}
        SELECT f.*, (SELECT count(*) FROM membership_lock)::int AS "locked", ${limits.columns}
        FROM limited l LEFT JOIN found f ON TRUE`,
      async (tx, found) => {
        if (!found?.id) throw codeNotFound();
        const code = found as UsableCode;
        // Joins of one organization are counted one after another against its seats.
        const lock = lockTakenBy(tx, code.organizationId);
        // The user's membership and the seats, in one statement read under the lock (see seats.ts).
        const seat = await checkSeat(tx, lock, config, { email: actor.email, userId: actor.userId });
        if (seat.memberRole !== null) return joinedOf(code, seat.memberRole, true);
        const refusal = joinRefusal(code);
        if (refusal) throw refusal;
        seat.assertAvailable();
        const [joined] = await tx.$queryRaw<{ role: string }[]>`
          WITH ${joinCtes(actor, code, Prisma.sql`TRUE`)}
          SELECT c."role" FROM counted c`;
        if (joined) return joinedOf(code, joined.role, false);
        // A concurrent join took the last use, or the code was revoked meanwhile.
        throw await currentCodeError(tx, code.id);
      },
    );
  } catch (error) {
    // Safety net (joins of one organization are serialized by the lock, so the membership read
    // above sees a concurrent join of the same user): a unique violation means they are a member.
    if (!isUniqueViolation(error)) throw error;
    const membership = await db.membership.findFirst({
      where: { userId: actor.userId, organization: { joinCodes: { some: { codeHash } } } },
      select: { organizationId: true, role: true, organization: { select: { id: true, handle: true, name: true } } },
    });
    if (!membership) throw error;
    return {
      organizationId: membership.organizationId,
      organization: membership.organization,
      role: membership.role,
      alreadyMember: true,
    };
  }
}

/** Why a newcomer cannot join with this code, in the order the checks have always run; else null. */
function joinRefusal(code: UsableCode) {
  const status = statusOf(code);
  if (status !== "active") return unusableError(status);
  if (!code.organizationActive) return inactiveOrganization();
  return null;
}

async function currentCodeError(db: Pick<Database, "joinCode">, id: string) {
  const current = await db.joinCode.findUnique({ where: { id }, select: joinCodeSelect });
  return unusableError(current ? statusOf(current) : "revoked");
}

/**
 * The join's changes as CTEs, made only if `counted` counted a use, and that only where `gate`
 * holds: `counted` (the increment returns the code's role as it is now: a custom role deleted
 * meanwhile had this code reassigned, and the member gets the role it was reassigned to), `joined`
 * (the membership), `redeemed` and `audited`.
 */
function joinCtes(actor: UserActor, code: UsableCode, gate: Prisma.Sql): Prisma.Sql {
  const now = new Date();
  const audit = auditInsertFrom(
    Prisma.sql`counted c`,
    {
      organizationId: code.organizationId,
      actor,
      action: "join_code.redeemed",
      target: { type: "join_code", id: code.id, label: code.codeHint },
      metadata: Prisma.sql`jsonb_build_object('role', c."role")`,
    },
    now,
  );
  return Prisma.sql`counted AS (
      UPDATE "join_code" SET "uses" = "uses" + 1
      WHERE "id" = ${code.id} AND "revokedAt" IS NULL AND ("maxUses" IS NULL OR "uses" < "maxUses") AND ${gate}
      RETURNING "id", "role"
    ),
    joined AS (
      INSERT INTO "membership" ("id", "organizationId", "userId", "role", "createdAt", "updatedAt")
      SELECT ${uuidv7()}::text, ${code.organizationId}::text, ${actor.userId}::text, c."role",
        ${now}::timestamp(3), ${now}::timestamp(3)
      FROM counted c
    ),
    redeemed AS (
      INSERT INTO "join_code_redemption" ("id", "joinCodeId", "userId", "createdAt")
      SELECT ${uuidv7()}::text, c."id", ${actor.userId}::text, ${now}::timestamp(3) FROM counted c
    ),
    audited AS (${audit})`;
}

function joinedOf(code: UsableCode, role: string, alreadyMember: boolean): Joined {
  return {
    organizationId: code.organizationId,
    organization: { id: code.organizationId, handle: code.organizationHandle, name: code.organizationName },
    role,
    alreadyMember,
  };
}
