import type { Database, DbClient } from "@tenancy/db/client";
import { Prisma } from "@tenancy/db/client";

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
  type RateLimitBucket,
} from "./rateLimit";
import { checkSeat } from "./seats";
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

/**
 * The acting user becomes a member with the invited role. Exactly one of any number of
 * concurrent accepts wins the pending → accepted transition; the others get invitation_used.
 * One transaction, one commit (redeemInTransaction), three statements: the attempt counted with the
 * invitation found and the organization's membership lock taken; then, under the lock, the seat check
 * with the invitee's membership (seats.ts; its own statement, since what it reads must be read after
 * the lock was granted); then the transition, the address verified (by the emailed token), the
 * membership and the audit event in one statement.
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
  // The emailed token reached this user's mailbox: that verifies the address, with the acceptance.
  const verifies = "token" in ref && !actor.emailVerified;
  // Then a verified domain may take the user in too: whether one could is asked in the write itself,
  // so the common case (no such domain) costs no statement after the commit.
  const domain = verifies ? emailDomainOf(actor.email) : null;
  const { accepted, domainMayJoin } = await redeemInTransaction<
    FoundInvitation,
    { accepted: Omit<AcceptedInvitation, "roleName">; domainMayJoin: boolean }
  >(
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
      // Already a member (say, through a join code): keep the current role rather than silently changing it.
      const now = new Date();
      // The role is the invitation's as the transition returns it, under the lock: a custom role
      // deleted meanwhile was reassigned on this row.
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
      const domainJoinable = domain
        ? Prisma.sql`EXISTS (SELECT 1 FROM "organization_domain" d WHERE d."verifiedDomain" = ${domain} AND d."policy" = 'auto_join')`
        : Prisma.sql`false`;
      const [answered] = await tx.$queryRaw<{ role: string; domainMayJoin: boolean }[]>`
        WITH won AS (
          UPDATE "invitation" SET "status" = 'accepted', "pendingEmail" = NULL, "respondedAt" = ${now},
            "respondedById" = ${actor.userId}
          WHERE "id" = ${invitation.id} AND "status" = 'pending'
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
        audited AS (${audit})
        SELECT w."role", ${domainJoinable} AS "domainMayJoin" FROM won w`;
      // A concurrent answer won the transition (it read the invitation pending too).
      if (!answered) throw await currentStatusError(tx, invitation.id);
      // A verified TENANCY_ADMIN_EMAILS address makes its user an owner of the default instance.
      if (verifies && config.instances.adminEmails.includes(actor.email.toLowerCase())) {
        await grantConfiguredInstanceOwners(tx, config, actor.userId);
      }
      const result: Omit<AcceptedInvitation, "roleName"> = {
        organizationId: invitation.organizationId,
        organization: {
          id: invitation.organizationId,
          handle: invitation.organizationHandle,
          name: invitation.organizationName,
        },
        role: existing?.role ?? answered.role,
        alreadyMember: existing !== null,
      };
      return { accepted: result, domainMayJoin: answered.domainMayJoin };
    },
  );
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
