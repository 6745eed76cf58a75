import type { Database, DbClient, TransactionClient } from "@tenancy/db/client";
import { Prisma } from "@tenancy/db/client";

import type { ApiConfig } from "../config";
import type { Actor, UserActor } from "../domain/actor";
import { emailDomainOf } from "../domain/domains";
import { conflict, DomainError, forbidden, notFound } from "../domain/errors";
import { uuidv7 } from "../domain/ids";
import { logoPath, withLogoUrl } from "../domain/images";
import { roleDisplayName } from "../domain/permissions";
import type {
  AcceptedInvitation,
  InvitationCreated,
  InvitationDto,
  InvitationPreviewDto,
  InvitationStatus,
} from "../schemas/invitations";
import { assertEmailVerified, assertOwnerRule, type OrganizationAccess } from "./access";
import { auditInsertFrom, recordAudit } from "./audit";
import { roleNameIn } from "./customRoles";
import { autoJoinByVerifiedEmail } from "./domains";
import { invitationEmail } from "./invitationEmail";
import { grantConfiguredInstanceOwners } from "./instanceAccess";
import { lockOrganizationMemberships, lockTakenBy, membershipLockCte } from "./locks";
import { enqueueEmail } from "./outbox";
import {
  consumeRateLimit,
  consumeRateLimits,
  ipBucket,
  redeemBuckets,
  redeemInOneStatement,
  redeemInTransaction,
  type RateLimitBucket,
} from "./rateLimit";
import { assertRoleGrantable } from "./roleGrants";
import { assertSeatAvailable, checkSeat } from "./seats";
import { randomUrlToken, sha256Hex } from "./secrets";
import {
  ORGANIZATION_SUMMARY_COLUMNS,
  splitOrganizationSummary,
  type OrganizationSummaryColumns,
} from "./organizationSummary";

const invitationSelect = {
  id: true,
  organizationId: true,
  email: true,
  role: true,
  message: true,
  status: true,
  expiresAt: true,
  createdAt: true,
  inviter: { select: { id: true, name: true, email: true } },
} as const;

export type InvitationRow = {
  id: string;
  organizationId: string;
  email: string;
  role: string;
  message: string | null;
  status: string;
  expiresAt: Date;
  createdAt: Date;
  inviter: { id: string; name: string; email: string } | null;
};

function effectiveStatus(row: { status: string; expiresAt: Date }, now = new Date()): InvitationStatus {
  if (row.status === "pending" && row.expiresAt <= now) return "expired";
  return row.status as InvitationStatus;
}

export function toInvitationDto(row: InvitationRow): InvitationDto {
  const { inviter, ...rest } = row;
  return { ...rest, status: effectiveStatus(row), invitedBy: inviter };
}

/** An invitation with its inviter, as the raw queries below select it (INVITATION_COLUMNS). */
interface InvitationSqlRow {
  id: string;
  organizationId: string;
  email: string;
  role: string;
  message: string | null;
  status: string;
  expiresAt: Date;
  createdAt: Date;
  inviterId: string | null;
  inviterName: string | null;
  inviterEmail: string | null;
}

// `i` is the invitation, `iv` its inviter (LEFT JOIN "user" iv ON iv."id" = i."inviterId").
const INVITATION_COLUMNS = Prisma.sql`i."id", i."organizationId", i."email", i."role", i."message", i."status",
  i."expiresAt", i."createdAt", iv."id" AS "inviterId", iv."name" AS "inviterName", iv."email" AS "inviterEmail"`;

function invitationRowOf(row: InvitationSqlRow): InvitationRow {
  const { inviterId, inviterName, inviterEmail, ...rest } = row;
  return {
    ...rest,
    inviter: inviterId ? { id: inviterId, name: inviterName ?? "", email: inviterEmail ?? "" } : null,
  };
}

const DAY_MS = 86_400_000;

type InvitationInput = { email: string; role: string; message?: string | null; expiresInDays: number };

/**
 * Invites `email`. One pending invitation per (org, email): inviting again revokes the previous
 * link and issues a new token. The invitation email is queued in the same transaction.
 */
export async function createInvitation(
  db: Database,
  config: ApiConfig,
  actor: Actor,
  access: OrganizationAccess,
  input: InvitationInput,
): Promise<InvitationCreated> {
  const { invitation, token, acceptUrl } = await db.$transaction((tx) =>
    inviteInTransaction(tx, config, actor, access, input),
  );
  return { invitation: toInvitationDto(invitation), token, acceptUrl };
}

/** createInvitation's work inside a transaction the caller holds (also used to invite a new org's owner). */
export async function inviteInTransaction(
  tx: TransactionClient,
  config: ApiConfig,
  actor: Actor,
  access: OrganizationAccess,
  input: InvitationInput,
): Promise<{ invitation: InvitationRow; token: string; acceptUrl: string }> {
  const organizationId = access.organization.id;
  const token = randomUrlToken(32);
  const acceptUrl = `${config.publicUrl}/invite/${token}`;
  // Explicit invite date, so the validity (expiresAt - createdAt, the seed's `ttl`) is exact.
  const createdAt = new Date();
  const expiresAt = new Date(createdAt.getTime() + input.expiresInDays * DAY_MS);
  // Serializes re-invites of the same address so the one-pending rule never trips a unique error,
  // and invitations with joins, so the seats they reserve are counted one after another.
  const lock = await lockOrganizationMemberships(tx, organizationId);
  await assertOwnerRule(tx, actor, access, { to: input.role });
  await assertRoleGrantable(tx, access, input.role);
  const existingMember = await tx.membership.findFirst({
    where: { organizationId, user: { email: input.email } },
    select: { id: true },
  });
  if (existingMember) throw conflict("already_member", "That person is already a member");
  // A pending invitation reserves a seat (a re-invite keeps the one its predecessor held).
  await assertSeatAvailable(tx, lock, config, { email: input.email });
  const superseded = await tx.invitation.updateMany({
    where: { organizationId, pendingEmail: input.email },
    data: { status: "revoked", pendingEmail: null, respondedAt: new Date() },
  });
  const created = await tx.invitation.create({
    data: {
      organizationId,
      email: input.email,
      pendingEmail: input.email,
      role: input.role,
      message: input.message ?? null,
      tokenHash: sha256Hex(token),
      inviterId: actor.type === "user" ? actor.userId : null,
      createdAt,
      expiresAt,
    },
    select: invitationSelect,
  });
  await recordAudit(tx, {
    organizationId,
    actor,
    action: "invitation.created",
    target: { type: "invitation", id: created.id, label: input.email },
    metadata: { role: input.role, replacedPrevious: superseded.count > 0 },
    authority: access.instance,
  });
  await enqueueEmail(
    tx,
    config.secrets.current,
    invitationEmail({
      organizationId,
      organizationName: access.organization.name,
      organizationLogoUrl: access.organization.logoSha256
        ? `${config.publicUrl}${logoPath(access.organization.logoSha256)}`
        : null,
      inviterName: actor.type === "user" ? actor.name || actor.email : access.organization.name,
      to: input.email,
      role: input.role,
      message: input.message ?? null,
      acceptUrl,
      expiresAt,
    }),
  );
  return { invitation: created, token, acceptUrl };
}

/** Issues a fresh link for a pending (or expired) invitation; the old link stops working. */
export async function resendInvitation(
  db: Database,
  config: ApiConfig,
  actor: Actor,
  access: OrganizationAccess,
  invitationId: string,
): Promise<InvitationCreated> {
  const invitation = await db.invitation.findFirst({
    where: { id: invitationId, organizationId: access.organization.id },
    select: { email: true, role: true, message: true, status: true },
  });
  if (!invitation) throw notFound("invitation_not_found", "Invitation not found");
  if (invitation.status !== "pending") throw statusError(invitation.status);
  return createInvitation(db, config, actor, access, {
    email: invitation.email,
    role: invitation.role,
    message: invitation.message,
    expiresInDays: 7,
  });
}

const SORT_COLUMNS = { email: "email", role: "role", inviteDate: "createdAt" } as const;

/**
 * Losant's glob → a LIKE pattern matching the whole value: `*` any run of characters, `?` one
 * character, and a backslash makes the next character literal (`\*` is a star). LIKE's own
 * wildcards (`%`, `_`) and backslashes are always literal.
 */
export function globToLike(glob: string): string {
  let pattern = "";
  for (let index = 0; index < glob.length; index++) {
    const ch = glob[index]!;
    if (ch === "\\" && index + 1 < glob.length) {
      pattern += likeLiteral(glob[++index]!);
    } else if (ch === "*") {
      pattern += "%";
    } else if (ch === "?") {
      pattern += "_";
    } else {
      pattern += likeLiteral(ch);
    }
  }
  return pattern;
}

const likeLiteral = (ch: string) => (ch === "\\" || ch === "%" || ch === "_" ? `\\${ch}` : ch);

type SortField = keyof typeof SORT_COLUMNS;

/** Is `value` what `createdAt::text` gives for a timestamp(3), and a real date (so the SQL cast cannot fail)? */
function isTimestampText(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$/.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/** The cursor names the sort it belongs to, so reusing it under another sort is a bad request, not a failed cast. */
function encodeCursor(sortField: SortField, value: string, id: string): string {
  return Buffer.from(JSON.stringify([sortField, value, id])).toString("base64url");
}

function decodeCursor(cursor: string, sortField: SortField): [string, string] | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(parsed) &&
      parsed.length === 3 &&
      parsed.every((v) => typeof v === "string") &&
      parsed[0] === sortField
    ) {
      const [, value, id] = parsed as [string, string, string];
      if (sortField === "inviteDate" && !isTimestampText(value)) return null;
      return [value, id];
    }
  } catch {
    // fall through: a bad cursor is a bad request
  }
  return null;
}

/** Pending invitations (expired ones included, flagged), sorted and glob-filtered as Losant does, keyset-paginated. */
export async function listInvitations(
  db: DbClient,
  access: OrganizationAccess,
  input: {
    cursor?: string;
    limit: number;
    sortField: SortField;
    sortDirection: "asc" | "desc";
    filterField?: "email" | "role";
    filter?: string;
  },
): Promise<{ invitations: InvitationDto[]; nextCursor: string | null }> {
  const column = Prisma.raw(`i."${SORT_COLUMNS[input.sortField]}"`);
  const direction = Prisma.raw(input.sortDirection === "asc" ? "ASC" : "DESC");
  const comparator = Prisma.raw(input.sortDirection === "asc" ? ">" : "<");
  const conditions = [Prisma.sql`i."organizationId" = ${access.organization.id}`, Prisma.sql`i."status" = 'pending'`];
  if (input.filterField && input.filter) {
    conditions.push(
      Prisma.sql`${Prisma.raw(`i."${input.filterField}"`)} ILIKE ${globToLike(input.filter)} ESCAPE '\\'`,
    );
  }
  if (input.cursor) {
    const decoded = decodeCursor(input.cursor, input.sortField);
    if (!decoded) throw new DomainError("invalid", "invalid_input", "Invalid cursor", { field: "cursor" });
    const [value, id] = decoded;
    // The sort value travels as text; cast it back so timestamps compare as timestamps.
    const typed = input.sortField === "inviteDate" ? Prisma.sql`${value}::timestamp(3)` : Prisma.sql`${value}`;
    conditions.push(Prisma.sql`(${column}, i."id") ${comparator} (${typed}, ${id})`);
  }
  // One statement: the page with each invitation's inviter.
  const rows = await db.$queryRaw<(InvitationSqlRow & { sortValue: string })[]>`
    SELECT ${INVITATION_COLUMNS}, ${column}::text AS "sortValue"
    FROM "invitation" i LEFT JOIN "user" iv ON iv."id" = i."inviterId"
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY ${column} ${direction}, i."id" ${direction}
    LIMIT ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    invitations: page.map((row) => toInvitationDto(invitationRowOf(row))),
    nextCursor: rows.length > input.limit && last ? encodeCursor(input.sortField, last.sortValue, last.id) : null,
  };
}

export async function revokeInvitation(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
  invitationId: string,
): Promise<{ ok: true }> {
  const organizationId = access.organization.id;
  await db.$transaction(async (tx) => {
    const invitation = await tx.invitation.findFirst({
      where: { id: invitationId, organizationId },
      select: { id: true, email: true, status: true },
    });
    if (!invitation) throw notFound("invitation_not_found", "Invitation not found");
    if (invitation.status === "revoked") return;
    if (invitation.status !== "pending") throw statusError(invitation.status);
    await tx.invitation.update({
      where: { id: invitation.id },
      data: { status: "revoked", pendingEmail: null, respondedAt: new Date() },
      select: { id: true },
    });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "invitation.revoked",
      target: { type: "invitation", id: invitation.id, label: invitation.email },
    });
  });
  return { ok: true };
}

/** What the accept page shows. Public: knowing the token is the credential. */
export async function previewInvitation(
  db: DbClient,
  config: ApiConfig,
  ip: string | null,
  token: string,
): Promise<{ invitation: InvitationPreviewDto }> {
  if (ip) await consumeRateLimit(db, `preview:ip:${ipBucket(ip)}`, config.rateLimits.previewPerIp);
  // One statement: the organization, the inviter and a custom role's name come with the invitation.
  const [found] = await db.$queryRaw<
    ({
      id: string;
      email: string;
      role: string;
      customRoleName: string | null;
      message: string | null;
      status: string;
      expiresAt: Date;
      inviterName: string | null;
      inviterEmail: string | null;
    } & OrganizationSummaryColumns)[]
  >`
    SELECT i."id", i."email", i."role", r."name" AS "customRoleName", i."message", i."status", i."expiresAt",
           ${ORGANIZATION_SUMMARY_COLUMNS}, iv."name" AS "inviterName", iv."email" AS "inviterEmail"
    FROM "invitation" i
    JOIN "organization" o ON o."id" = i."organizationId"
    LEFT JOIN "user" iv ON iv."id" = i."inviterId"
    LEFT JOIN "organization_role" r ON r."organizationId" = i."organizationId" AND r."key" = i."role"
    WHERE i."tokenHash" = ${sha256Hex(token)}`;
  if (!found) throw invitationNotFound();
  const {
    rest: { customRoleName, inviterName, inviterEmail, ...row },
    organization: { active: _active, ...organization },
  } = splitOrganizationSummary(found);
  const inviter = inviterEmail === null ? null : { name: inviterName ?? "", email: inviterEmail };
  const { role: _role, ...rest } = row;
  const status = effectiveStatus(row);
  // Only a pending invitation leads anywhere: for a used or dead link the answer is not needed.
  const hasAccount =
    status === "pending" && (await db.user.findUnique({ where: { email: row.email }, select: { id: true } })) !== null;
  return {
    invitation: {
      ...rest,
      organization: withLogoUrl(organization),
      role: row.role,
      roleName: roleDisplayName(row.role, customRoleName),
      status,
      invitedBy: inviter,
      hasAccount,
    },
  };
}

/**
 * Pending, unexpired invitations addressed to the acting user's email (balena's invite.getAll).
 * Only for a verified address: an unverified one may belong to someone else.
 */
export async function listMyInvitations(
  db: DbClient,
  actor: UserActor,
): Promise<{
  invitations: (InvitationDto & {
    roleName: string;
    organization: { id: string; handle: string; name: string; logoUrl: string | null };
  })[];
}> {
  assertEmailVerified(actor);
  // Invitations of an inactive organization cannot be accepted, so they are not offered. One statement.
  const rows = await db.$queryRaw<
    (InvitationSqlRow & { customRoleName: string | null } & OrganizationSummaryColumns)[]
  >`
    SELECT ${INVITATION_COLUMNS}, r."name" AS "customRoleName", ${ORGANIZATION_SUMMARY_COLUMNS}
    FROM "invitation" i
    JOIN "organization" o ON o."id" = i."organizationId" AND o."active"
    LEFT JOIN "user" iv ON iv."id" = i."inviterId"
    LEFT JOIN "organization_role" r ON r."organizationId" = i."organizationId" AND r."key" = i."role"
    WHERE i."pendingEmail" = ${actor.email.toLowerCase()} AND i."expiresAt" > ${new Date()}
    ORDER BY i."createdAt" DESC`;
  return {
    invitations: rows.map((read) => {
      const {
        rest: { customRoleName, ...row },
        organization: { active: _active, ...organization },
      } = splitOrganizationSummary(read);
      return {
        ...toInvitationDto(invitationRowOf(row)),
        roleName: roleDisplayName(row.role, customRoleName),
        organization: withLogoUrl(organization),
      };
    }),
  };
}

const invitationNotFound = () => notFound("invitation_not_found", "This invitation link is not valid");

function statusError(status: string): DomainError {
  switch (status) {
    case "accepted":
      return conflict("invitation_used", "This invitation has already been used");
    case "declined":
      return conflict("invitation_declined", "This invitation was declined");
    case "revoked":
      return conflict("invitation_revoked", "This invitation was revoked; ask for a new one");
    default:
      return conflict("invitation_expired", "This invitation has expired; ask for a new one");
  }
}

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
