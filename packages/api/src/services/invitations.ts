import type { Database, DbClient, TransactionClient } from "@tenancy/db/client";
import { Prisma } from "@tenancy/db/client";

import type { ApiConfig } from "../config";
import type { Actor, UserActor } from "../domain/actor";
import { conflict, DomainError, notFound } from "../domain/errors";
import { logoPath, withLogoUrl } from "../domain/images";
import { roleDisplayName } from "../domain/permissions";
import type { InvitationCreated, InvitationDto, InvitationPreviewDto, InvitationStatus } from "../schemas/invitations";
import { assertEmailVerified, assertOwnerRule, type OrganizationAccess } from "./access";
import { recordAudit } from "./audit";
import { invitationEmail } from "./invitationEmail";
import { lockOrganizationMemberships } from "./locks";
import { enqueueEmail } from "./outbox";
import { consumeRateLimit, ipBucket } from "./rateLimit";
import { assertRoleGrantable } from "./roleGrants";
import { assertSeatAvailable } from "./seats";
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

export const invitationNotFound = () => notFound("invitation_not_found", "This invitation link is not valid");

export function statusError(status: string): DomainError {
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
