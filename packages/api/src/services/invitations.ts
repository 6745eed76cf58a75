import type { Database, DbClient, TransactionClient } from "@tenancy/db/client";
import { Prisma } from "@tenancy/db/client";

import type { ApiConfig } from "../config";
import type { Actor, UserActor } from "../domain/actor";
import { conflict, DomainError, forbidden, notFound } from "../domain/errors";
import { logoPath, withLogoUrl } from "../domain/images";
import type { InvitationCreated, InvitationDto, InvitationPreviewDto, InvitationStatus } from "../schemas/invitations";
import { assertEmailVerified, assertOwnerRule, type OrganizationAccess } from "./access";
import { recordAudit } from "./audit";
import { autoJoinByVerifiedEmail } from "./domains";
import { invitationEmail } from "./invitationEmail";
import { grantConfiguredInstanceOwners } from "./instanceAccess";
import { lockOrganizationMemberships } from "./locks";
import { enqueueEmail } from "./outbox";
import { assertRoleGrantable } from "./roleGrants";
import { assertSeatAvailable } from "./seats";
import { consumeRateLimit, consumeRedeemLimits, ipBucket } from "./rateLimit";
import { randomUrlToken, sha256Hex } from "./secrets";

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
  const column = Prisma.raw(`"${SORT_COLUMNS[input.sortField]}"`);
  const direction = Prisma.raw(input.sortDirection === "asc" ? "ASC" : "DESC");
  const comparator = Prisma.raw(input.sortDirection === "asc" ? ">" : "<");
  const conditions = [Prisma.sql`"organizationId" = ${access.organization.id}`, Prisma.sql`"status" = 'pending'`];
  if (input.filterField && input.filter) {
    conditions.push(Prisma.sql`${Prisma.raw(`"${input.filterField}"`)} ILIKE ${globToLike(input.filter)} ESCAPE '\\'`);
  }
  if (input.cursor) {
    const decoded = decodeCursor(input.cursor, input.sortField);
    if (!decoded) throw new DomainError("invalid", "invalid_input", "Invalid cursor", { field: "cursor" });
    const [value, id] = decoded;
    // The sort value travels as text; cast it back so timestamps compare as timestamps.
    const typed = input.sortField === "inviteDate" ? Prisma.sql`${value}::timestamp(3)` : Prisma.sql`${value}`;
    conditions.push(Prisma.sql`(${column}, "id") ${comparator} (${typed}, ${id})`);
  }
  const rows = await db.$queryRaw<{ id: string; sortValue: string }[]>`
    SELECT "id", ${column}::text AS "sortValue" FROM "invitation"
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY ${column} ${direction}, "id" ${direction}
    LIMIT ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  const found = await db.invitation.findMany({
    where: { id: { in: page.map((r) => r.id) } },
    select: invitationSelect,
  });
  const byId = new Map(found.map((row) => [row.id, row]));
  const last = page.at(-1);
  return {
    invitations: page.flatMap((r) => {
      const row = byId.get(r.id);
      return row ? [toInvitationDto(row)] : [];
    }),
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
  const row = await db.invitation.findUnique({
    where: { tokenHash: sha256Hex(token) },
    select: {
      id: true,
      email: true,
      role: true,
      message: true,
      status: true,
      expiresAt: true,
      organization: { select: { id: true, handle: true, name: true, logoSha256: true } },
      inviter: { select: { name: true, email: true } },
    },
  });
  if (!row) throw invitationNotFound();
  const { inviter, organization, ...rest } = row;
  const status = effectiveStatus(row);
  // Only a pending invitation leads anywhere: for a used or dead link the answer is not needed.
  const hasAccount =
    status === "pending" && (await db.user.findUnique({ where: { email: row.email }, select: { id: true } })) !== null;
  return {
    invitation: {
      ...rest,
      organization: withLogoUrl(organization),
      role: row.role,
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
    organization: { id: string; handle: string; name: string; logoUrl: string | null };
  })[];
}> {
  assertEmailVerified(actor);
  const rows = await db.invitation.findMany({
    // Invitations of an inactive organization cannot be accepted, so they are not offered.
    where: { pendingEmail: actor.email.toLowerCase(), expiresAt: { gt: new Date() }, organization: { active: true } },
    orderBy: { createdAt: "desc" },
    select: {
      ...invitationSelect,
      organization: { select: { id: true, handle: true, name: true, logoSha256: true } },
    },
  });
  return {
    invitations: rows.map(({ organization, ...row }) => ({
      ...toInvitationDto(row),
      organization: withLogoUrl(organization),
    })),
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

/**
 * Loads the invitation for the invitee and checks it can still be answered by them.
 * By id only for the addressee with a verified address (MyInvitations); by token for anyone holding
 * the link (the token proves the mailbox was read), as long as they are signed in with that address.
 */
async function loadAnswerable(tx: DbClient, actor: UserActor, ref: InvitationRef, answer: "accept" | "decline") {
  if (!("token" in ref)) assertEmailVerified(actor);
  const row = await tx.invitation.findUnique({
    where: "token" in ref ? { tokenHash: sha256Hex(ref.token) } : { id: ref.invitationId },
    select: {
      id: true,
      email: true,
      status: true,
      expiresAt: true,
      organizationId: true,
      organization: { select: { active: true, id: true, handle: true, name: true } },
    },
  });
  const isAddressee = row !== null && row.email === actor.email.toLowerCase();
  if (!row || (!("token" in ref) && !isAddressee)) throw invitationNotFound();
  if (row.status !== "pending") throw statusError(row.status);
  if (row.expiresAt <= new Date()) throw statusError("expired");
  if (!isAddressee) {
    throw forbidden("email_mismatch", `This invitation was sent to ${row.email}; sign in with that email to accept it`);
  }
  // Declining changes no membership, so it stays possible while the organization is read-only.
  if (answer === "accept" && !row.organization.active) {
    throw forbidden(
      "organization_inactive",
      "This organization is inactive; invitations cannot be accepted until it is reactivated",
    );
  }
  return row;
}

/**
 * The acting user becomes a member with the invited role. Exactly one of any number of
 * concurrent accepts wins the pending → accepted transition; the others get invitation_used.
 */
export async function acceptInvitation(
  db: Database,
  config: ApiConfig,
  actor: UserActor,
  ip: string | null,
  ref: InvitationRef,
): Promise<{
  organizationId: string;
  /** The organization joined, so the caller can link to /orgs/<handle>. */
  organization: { id: string; handle: string; name: string };
  role: string;
  alreadyMember: boolean;
}> {
  await consumeRedeemLimits(db, config, actor.userId, ip);
  const verifiesEmail = "token" in ref && !actor.emailVerified;
  const accepted = await db.$transaction(async (tx) => {
    const invitation = await loadAnswerable(tx, actor, ref, "accept");
    // Memberships of the organization change only under this lock: what is read next stays true.
    const lock = await lockOrganizationMemberships(tx, invitation.organizationId);
    const existing = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId: invitation.organizationId, userId: actor.userId } },
      select: { role: true },
    });
    // The invitation held a seat; taking it needs members < limit (see seats.ts).
    if (!existing) await assertSeatAvailable(tx, lock, config, { email: invitation.email, holdsReservation: true });
    // Returns the role as it is now, under the lock: a role deleted meanwhile was reassigned on this row.
    const [won] = await tx.invitation.updateManyAndReturn({
      where: { id: invitation.id, status: "pending" },
      data: { status: "accepted", pendingEmail: null, respondedAt: new Date(), respondedById: actor.userId },
      select: { role: true },
    });
    if (!won) throw await currentStatusError(tx, invitation.id);
    // The emailed token reached this user's mailbox: that verifies the address, with the acceptance.
    if (verifiesEmail) {
      await tx.user.update({ where: { id: actor.userId }, data: { emailVerified: true }, select: { id: true } });
      // A verified TENANCY_ADMIN_EMAILS address makes its user an owner of the default instance.
      if (config.instances.adminEmails.includes(actor.email.toLowerCase())) {
        await grantConfiguredInstanceOwners(tx, config, actor.userId);
      }
    }
    // Already a member (say, through a join code): keep the current role rather than silently changing it.
    if (!existing) {
      await tx.membership.create({
        data: { organizationId: invitation.organizationId, userId: actor.userId, role: won.role },
        select: { id: true },
      });
    }
    await recordAudit(tx, {
      organizationId: invitation.organizationId,
      actor,
      action: "invitation.accepted",
      target: { type: "invitation", id: invitation.id, label: invitation.email },
      metadata: { role: existing?.role ?? won.role, alreadyMember: existing !== null },
    });
    const { active: _active, ...organization } = invitation.organization;
    return {
      organizationId: invitation.organizationId,
      organization,
      role: existing?.role ?? won.role,
      alreadyMember: existing !== null,
    };
  });
  // The address was verified just now, as by the verification link: a verified domain set to
  // auto_join takes the user in too (after this commit; its failure must not undo the acceptance).
  if (verifiesEmail) {
    await autoJoinByVerifiedEmail(db, actor.userId).catch((error: unknown) =>
      console.error("[invitations] joining through a verified domain failed:", error),
    );
  }
  return accepted;
}

export async function declineInvitation(
  db: Database,
  config: ApiConfig,
  actor: UserActor,
  ip: string | null,
  ref: InvitationRef,
): Promise<{ ok: true }> {
  await consumeRedeemLimits(db, config, actor.userId, ip);
  await db.$transaction(async (tx) => {
    const invitation = await loadAnswerable(tx, actor, ref, "decline");
    const won = await tx.invitation.updateMany({
      where: { id: invitation.id, status: "pending" },
      data: { status: "declined", pendingEmail: null, respondedAt: new Date(), respondedById: actor.userId },
    });
    if (won.count === 0) throw await currentStatusError(tx, invitation.id);
    await recordAudit(tx, {
      organizationId: invitation.organizationId,
      actor,
      action: "invitation.declined",
      target: { type: "invitation", id: invitation.id, label: invitation.email },
    });
  });
  return { ok: true };
}
