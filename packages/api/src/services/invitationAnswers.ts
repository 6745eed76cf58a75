import type { Database, DbClient } from "@tenancy/db/client";
import { Prisma } from "@tenancy/db/client";
import { queryRows } from "@tenancy/db/direct-read";

import type { ApiConfig } from "../config";
import type { UserActor } from "../domain/actor";
import { emailDomainOf } from "../domain/domains";
import { forbidden, type DomainError } from "../domain/errors";
import { uuidv7 } from "../domain/ids";
import type { AcceptedInvitation } from "../schemas/invitations";
import { assertEmailVerified } from "./access";
import { auditInsertFrom } from "./audit";
import { roleNameIn } from "./customRoles";
import { autoJoinByVerifiedEmail } from "./domains";
import { grantConfiguredInstanceOwners } from "./instanceAccess";
import { invitationNotFound, statusError } from "./invitations";
import { lockTakenBy, membershipLockCte } from "./locks";
import {
  consumeRateLimits,
  redeemBuckets,
  redeemInOneStatement,
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
import { sha256Hex } from "./secrets";

// Answering an invitation (accept, decline) as its addressee.

/** A concurrent answer won the pending → answered transition: report what it became. */
async function currentStatusError(tx: DbClient, invitationId: string): Promise<DomainError> {
  const current = await tx.invitation.findUnique({ where: { id: invitationId }, select: { status: true } });
  return statusError(current?.status ?? "revoked");
}

export type InvitationRef = { token: string } | { invitationId: string };

/** The invitation as an answer's statement found it (its snapshot), for explaining a refusal. */
interface FoundInvitation {
  id: string | null;
  email: string | null;
  role: string | null;
  status: string | null;
  expiresAt: Date | null;
  organizationId: string | null;
  organizationActive: boolean | null;
  organizationHandle: string | null;
  organizationName: string | null;
}

type Answerable = FoundInvitation & {
  id: string;
  email: string;
  role: string;
  organizationId: string;
  organizationHandle: string;
  organizationName: string;
};

/**
 * `found AS (…)`: the invitation `ref` names with its organization's state. By id only for the
 * addressee with a verified address (MyInvitations); by token for anyone holding the link (the token
 * proves the mailbox was read), as long as they are signed in with that address (answerRefusal).
 */
function foundInvitationCte(ref: InvitationRef): Prisma.Sql {
  const where =
    "token" in ref ? Prisma.sql`i."tokenHash" = ${sha256Hex(ref.token)}` : Prisma.sql`i."id" = ${ref.invitationId}`;
  return Prisma.sql`found AS (
    SELECT i."id", i."email", i."role", i."status", i."expiresAt", i."organizationId", o."active" AS "organizationActive",
           o."handle" AS "organizationHandle", o."name" AS "organizationName"
    FROM "invitation" i JOIN "organization" o ON o."id" = i."organizationId"
    WHERE ${where}
  )`;
}

/** Answering by id needs a verified address; refused before looking, the attempt still counts. */
async function assertMayAnswer(
  db: DbClient,
  buckets: readonly RateLimitBucket[],
  actor: UserActor,
  ref: InvitationRef,
) {
  if (!("token" in ref) && !actor.emailVerified) {
    await consumeRateLimits(db, buckets);
    assertEmailVerified(actor);
  }
}

/**
 * Why an answer could not be made, from what the statement found, in the order the checks have
 * always run: unknown (or, by id, not the addressee's) → not found; no longer pending; expired; sent
 * to another address; an accept into an inactive organization. Null: nothing stood in the way (a
 * concurrent answer won the transition).
 */
function answerRefusal(
  row: FoundInvitation | undefined,
  actor: UserActor,
  ref: InvitationRef,
  answer: "accept" | "decline",
) {
  const isAddressee = row?.id != null && row.email === actor.email.toLowerCase();
  if (!row?.id || (!("token" in ref) && !isAddressee)) return invitationNotFound();
  if (row.status !== "pending") return statusError(row.status ?? "revoked");
  if (row.expiresAt! <= new Date()) return statusError("expired");
  if (!isAddressee) {
    return forbidden(
      "email_mismatch",
      `This invitation was sent to ${row.email}; sign in with that email to accept it`,
    );
  }
  // Declining changes no membership, so it stays possible while the organization is read-only.
  if (answer === "accept" && !row.organizationActive) {
    return forbidden(
      "organization_inactive",
      "This organization is inactive; invitations cannot be accepted until it is reactivated",
    );
  }
  return null;
}

/** What accepting wrote, before the role's display name is looked up. */
interface Accepting {
  accepted: Omit<AcceptedInvitation, "roleName">;
  /** A verified domain set to auto_join could take the user in too (see acceptInvitation). */
  domainMayJoin: boolean;
}

/** How an acceptance is made: by whom, whether it verifies their address, and when. */
interface AcceptContext {
  config: ApiConfig;
  actor: UserActor;
  ref: InvitationRef;
  /** The emailed token reached this user's mailbox: that verifies the address, with the acceptance. */
  verifies: boolean;
  /** The address's domain when it is verified by this acceptance (a verified domain may then join). */
  domain: string | null;
}

/**
 * The acting user becomes a member with the invited role. Exactly one of any number of
 * concurrent accepts wins the pending → accepted transition; the others get invitation_used.
 *
 * A newcomer holds no membership lock while the answer is decided (acceptWithoutLock, see lockFreeSeat
 * in seats.ts): one read, then one write statement that takes the lock itself, applies the seat rule
 * and is its own transaction. Whenever that cannot be used, under the lock taken first
 * (acceptUnderLock). Either way one commit, the attempt counted exactly once.
 */
export async function acceptInvitation(
  db: Database,
  config: ApiConfig,
  actor: UserActor,
  ip: string | null,
  ref: InvitationRef,
): Promise<AcceptedInvitation> {
  const buckets = redeemBuckets(config, actor.userId, ip);
  await assertMayAnswer(db, buckets, actor, ref);
  const verifies = "token" in ref && !actor.emailVerified;
  // Then a verified domain may take the user in too: whether one could is asked in the write itself,
  // so the common case (no such domain) costs no statement after the commit.
  const context: AcceptContext = { config, actor, ref, verifies, domain: verifies ? emailDomainOf(actor.email) : null };
  const lockFree = await acceptWithoutLock(db, context, buckets);
  const { accepted, domainMayJoin } =
    "accepted" in lockFree ? lockFree : await acceptUnderLock(db, context, lockFree.uncounted);
  // The address was verified just now, as by the verification link: a verified domain set to
  // auto_join takes the user in too (after this commit; its failure must not undo the acceptance).
  if (verifies && domainMayJoin) {
    const verifiedUser = { id: actor.userId, email: actor.email, name: actor.name, emailVerified: true as const };
    await autoJoinByVerifiedEmail(db, verifiedUser).catch((error: unknown) =>
      console.error("[invitations] joining through a verified domain failed:", error),
    );
  }
  // After the commit: a custom role's name is one statement, a built-in role's none.
  return { ...accepted, roleName: await roleNameIn(db, accepted.organizationId, accepted.role) };
}

/**
 * Accepting without holding the membership lock while deciding, when lockFreeSeat allows it. First one
 * read (no lock, no commit): the invitation, the organization's plan and the user's membership. A
 * refusal counts the attempt on its own and is answered. Then ONE statement, its own transaction: the
 * attempt counted, the membership lock taken with the organization's row re-read (seat_guard: still
 * active, still on the plan read, a seat still free), and only then the transition, the address
 * verified, the membership and the audit event. Answers what was accepted, or the buckets the
 * acceptance under the lock still has to count (all of them when this counted nothing, none when it
 * did).
 */
async function acceptWithoutLock(
  db: Database,
  context: AcceptContext,
  buckets: readonly RateLimitBucket[],
): Promise<Accepting | { uncounted: readonly RateLimitBucket[] }> {
  const { config, actor, ref } = context;
  // Making a TENANCY_ADMIN_EMAILS address an instance owner is a second write: it goes under the lock.
  if (context.verifies && config.instances.adminEmails.includes(actor.email.toLowerCase())) {
    return { uncounted: buckets };
  }
  const [found] = await queryRows<FoundInvitation & SeatTermsRow>(
    db,
    Prisma.sql`
    WITH ${foundInvitationCte(ref)}
    SELECT f.*, s.* FROM found f
    CROSS JOIN LATERAL (${seatTermsSelect(Prisma.sql`f."organizationId"`, actor.userId)}) s`,
  );
  const refusal = answerRefusal(found, actor, ref, "accept");
  if (refusal) {
    // Past a limit the answer is rate_limited whatever was found.
    await consumeRateLimits(db, buckets);
    throw refusal;
  }
  const invitation = found as Answerable & SeatTermsRow;
  // The invitation held a seat: taking it needs members < limit, checked on the locked row (seats.ts).
  const seat = lockFreeSeat(seatTermsOf(invitation, config), invitation.organizationId, {
    email: invitation.email,
    holdsReservation: true,
  });
  if (!seat) return { uncounted: buckets };
  const written = await redeemWithoutLock<AcceptWritten & { guarded: boolean }>(db, buckets, (limits) =>
    queryRows(
      db,
      Prisma.sql`
      WITH ${limits.cte}, ${lockFreeSeatGuardCte(seat)},
      ${acceptanceCtes(context, invitation, null, Prisma.sql`${limits.allowed} AND EXISTS (SELECT 1 FROM seat_guard)`)}
      SELECT w."role", ${domainMayJoinSql(context)} AS "domainMayJoin",
        EXISTS (SELECT 1 FROM seat_guard) AS "guarded", ${limits.columns}
      FROM limited l LEFT JOIN won w ON TRUE`,
    ),
  );
  // The user became a member meanwhile: nothing was written or counted.
  if (written === "retry_under_lock") return { uncounted: buckets };
  // The plan changed, the organization was deactivated or its last seat taken meanwhile: counted,
  // nothing written.
  if (!written?.guarded) return { uncounted: [] };
  // A concurrent answer won the transition (it read the invitation pending too).
  if (written.role === null) throw await currentStatusError(db, invitation.id);
  return acceptingOf(invitation, { role: written.role, alreadyMember: false }, written.domainMayJoin);
}

/**
 * Accepting under the organization's membership lock: one transaction, one commit
 * (redeemInTransaction), three statements: the attempt counted (unless it was already) with the
 * invitation found and the lock taken; then, under the lock, the seat check with the invitee's
 * membership (seats.ts; its own statement, since what it reads must be read after the lock was
 * granted); then the transition, the address verified, the membership and the audit event in one
 * statement.
 */
function acceptUnderLock(
  db: Database,
  context: AcceptContext,
  buckets: readonly RateLimitBucket[],
): Promise<Accepting> {
  const { config, actor, ref } = context;
  return redeemInTransaction<FoundInvitation, Accepting>(
    db,
    buckets,
    (tx, limits) => tx.$queryRaw`
      WITH ${limits.cte}, ${foundInvitationCte(ref)},
      ${membershipLockCte(Prisma.sql`(SELECT f."organizationId" FROM found f)`)}
      SELECT f.*, (SELECT count(*) FROM membership_lock)::int AS "locked", ${limits.columns}
      FROM limited l LEFT JOIN found f ON TRUE`,
    async (tx, found) => {
      const refusal = answerRefusal(found, actor, ref, "accept");
      if (refusal) throw refusal;
      const invitation = found as Answerable;
      // Memberships of the organization change only under this lock: what is read next stays true.
      const lock = lockTakenBy(tx, invitation.organizationId);
      // The invitee's membership and the seats, in one statement: the invitation held a seat, so
      // taking it needs members < limit; someone who is a member already takes none (see seats.ts).
      const seat = await checkSeat(tx, lock, config, {
        email: invitation.email,
        holdsReservation: true,
        userId: actor.userId,
      });
      seat.assertAvailable();
      const existing = seat.memberRole === null ? null : { role: seat.memberRole };
      const [answered] = await tx.$queryRaw<AcceptWritten[]>`
        WITH ${acceptanceCtes(context, invitation, existing, Prisma.sql`TRUE`)}
        SELECT w."role", ${domainMayJoinSql(context)} AS "domainMayJoin" FROM won w`;
      // A concurrent answer won the transition (it read the invitation pending too).
      if (!answered?.role) throw await currentStatusError(tx, invitation.id);
      // A verified TENANCY_ADMIN_EMAILS address makes its user an owner of the default instance.
      if (context.verifies && config.instances.adminEmails.includes(actor.email.toLowerCase())) {
        await grantConfiguredInstanceOwners(tx, config, actor.userId);
      }
      // Already a member (say, through a join code): they keep their current role.
      const role = existing?.role ?? answered.role;
      return acceptingOf(invitation, { role, alreadyMember: existing !== null }, answered.domainMayJoin);
    },
  );
}

/** What the acceptance's statement selects: the role the transition returned (null: it lost). */
interface AcceptWritten {
  role: string | null;
  domainMayJoin: boolean;
}

/**
 * The acceptance's changes as CTEs, each made only if `won` won the pending → accepted transition,
 * and that only where `gate` holds: `won` (its row's id and role as they are now: a custom role
 * deleted meanwhile was reassigned on it), `verified` (the address, by the emailed token), `joined`
 * (the membership, unless `existing`: someone who is a member already keeps their current role
 * rather than having it silently changed) and `audited`.
 */
function acceptanceCtes(
  context: AcceptContext,
  invitation: Answerable,
  existing: { role: string } | null,
  gate: Prisma.Sql,
): Prisma.Sql {
  const { actor, verifies } = context;
  const now = new Date();
  const role = existing ? Prisma.sql`${existing.role}::text` : Prisma.sql`w."role"`;
  const audit = auditInsertFrom(
    Prisma.sql`won w`,
    {
      organizationId: invitation.organizationId,
      actor,
      action: "invitation.accepted",
      target: { type: "invitation", id: invitation.id, label: invitation.email },
      metadata: Prisma.sql`jsonb_build_object('role', ${role}, 'alreadyMember', ${existing !== null}::boolean)`,
    },
    now,
  );
  return Prisma.sql`won AS (
      UPDATE "invitation" SET "status" = 'accepted', "pendingEmail" = NULL, "respondedAt" = ${now},
        "respondedById" = ${actor.userId}
      WHERE "id" = ${invitation.id} AND "status" = 'pending' AND ${gate}
      RETURNING "id", "role"
    ),
    verified AS (
      UPDATE "user" SET "emailVerified" = true, "updatedAt" = ${now}
      WHERE "id" = ${actor.userId} AND ${verifies}::boolean AND EXISTS (SELECT 1 FROM won)
    ),
    joined AS (
      INSERT INTO "membership" ("id", "organizationId", "userId", "role", "createdAt", "updatedAt")
      SELECT ${uuidv7()}::text, ${invitation.organizationId}::text, ${actor.userId}::text, w."role",
        ${now}::timestamp(3), ${now}::timestamp(3)
      FROM won w WHERE ${existing === null}::boolean
    ),
    audited AS (${audit})`;
}

/** Whether a verified domain set to auto_join could take the user in, once the acceptance verified them. */
function domainMayJoinSql({ domain }: AcceptContext): Prisma.Sql {
  return domain
    ? Prisma.sql`EXISTS (SELECT 1 FROM "organization_domain" d WHERE d."verifiedDomain" = ${domain} AND d."policy" = 'auto_join')`
    : Prisma.sql`false`;
}

function acceptingOf(
  invitation: Answerable,
  membership: { role: string; alreadyMember: boolean },
  domainMayJoin: boolean,
): Accepting {
  return {
    accepted: {
      organizationId: invitation.organizationId,
      organization: {
        id: invitation.organizationId,
        handle: invitation.organizationHandle,
        name: invitation.organizationName,
      },
      ...membership,
    },
    domainMayJoin,
  };
}

/**
 * Declines in ONE statement (see redeemInOneStatement): counts the attempt, finds the invitation,
 * wins the pending → declined transition only when this user may answer it (the checks of
 * answerRefusal, in SQL) and the limits allow it, and writes the audit event with it. Declining
 * changes no membership, so it takes no lock and stays possible while the organization is read-only.
 */
export async function declineInvitation(
  db: Database,
  config: ApiConfig,
  actor: UserActor,
  ip: string | null,
  ref: InvitationRef,
): Promise<{ ok: true }> {
  const buckets = redeemBuckets(config, actor.userId, ip);
  await assertMayAnswer(db, buckets, actor, ref);
  const now = new Date();
  const audit = auditInsertFrom(
    Prisma.sql`won w`,
    {
      organizationId: Prisma.sql`w."organizationId"`,
      actor,
      action: "invitation.declined",
      target: { type: "invitation", id: Prisma.sql`w."id"`, label: Prisma.sql`w."email"` },
    },
    now,
  );
  const row = await redeemInOneStatement<FoundInvitation & { won: boolean }>(
    db,
    buckets,
    (limits) =>
      db.$queryRaw`
      WITH ${limits.cte}, ${foundInvitationCte(ref)},
      won AS (
        UPDATE "invitation" t
        SET "status" = 'declined', "pendingEmail" = NULL, "respondedAt" = ${now}, "respondedById" = ${actor.userId}
        FROM found f
        WHERE t."id" = f."id" AND t."status" = 'pending' AND f."expiresAt" > ${now}
          AND f."email" = ${actor.email.toLowerCase()} AND ${limits.allowed}
        RETURNING t."id", f."email", f."organizationId"
      ),
      audited AS (${audit})
      SELECT f.*, EXISTS (SELECT 1 FROM won) AS "won", ${limits.columns}
      FROM limited l LEFT JOIN found f ON TRUE`,
  );
  if (row?.won) return { ok: true };
  throw answerRefusal(row, actor, ref, "decline") ?? (await currentStatusError(db, row!.id!));
}
