import { Prisma, type Database, type DbClient } from "@tenancy/db/client";
import { isUniqueViolation } from "@tenancy/db/errors";

import type { ApiConfig } from "../config";
import type { Actor } from "../domain/actor";
import { conflict, forbidden, invalid, notFound } from "../domain/errors";
import type { MemberDto } from "../schemas/members";
import { looksLikeId } from "../domain/handles";
import { assertOwnerRule, type OrganizationAccess } from "./access";
import { recordAudit } from "./audit";
import { countOwners, lockOrganizationMemberships } from "./locks";
import { assertHolderManageable, assertRoleGrantable } from "./roleGrants";
import { assertSeatAvailable } from "./seats";

const memberSelect = {
  id: true,
  role: true,
  createdAt: true,
  user: { select: { id: true, name: true, email: true, image: true } },
} as const;

type MemberRow = {
  id: string;
  role: string;
  createdAt: Date;
  user: { id: string; name: string; email: string; image: string | null };
};

function toMemberDto(row: MemberRow): MemberDto {
  return {
    membershipId: row.id,
    userId: row.user.id,
    name: row.user.name,
    email: row.user.email,
    image: row.user.image,
    role: row.role,
    joinedAt: row.createdAt,
  };
}

const lastOwner = () =>
  conflict("last_owner", "An organization must keep at least one owner: make someone else an owner first");

interface MemberPageRow {
  id: string;
  role: string;
  createdAt: Date;
  userId: string;
  name: string;
  email: string;
  image: string | null;
}

/**
 * Keyset-paginated in join order (membership ids are time-ordered UUIDv7, and the
 * (organizationId, id) index serves the order), searchable by name or email. One statement: the
 * page with its users. `totalCount` is the organization's member count as the database keeps it
 * (no count per page, so a page costs the same at 100,000 members as at 1,000); with a search, the
 * number of members matching it, counted in the same statement.
 */
export async function listMembers(
  db: DbClient,
  access: OrganizationAccess,
  input: { cursor?: string; limit: number; search?: string },
): Promise<{ members: MemberDto[]; nextCursor: string | null; totalCount: number }> {
  // The cursor is the last membership id of the previous page; anything else is a bad request, not a silent empty page.
  if (input.cursor !== undefined && !looksLikeId(input.cursor)) {
    throw invalid("invalid_input", "Invalid cursor", { field: "cursor" });
  }
  const organizationId = access.organization.id;
  const after = input.cursor ? Prisma.sql`AND m."id" > ${input.cursor.toLowerCase()}` : Prisma.empty;
  const take = input.limit + 1;
  // A LIKE pattern: the search's own wildcards ("%", "_") and escapes match only themselves.
  const search = input.search?.trim().replace(/[\\%_]/g, "\\$&");
  let rows: MemberPageRow[];
  let totalCount: number;
  if (search) {
    const pattern = `%${search}%`;
    const found = await db.$queryRaw<(Partial<MemberPageRow> & { total: bigint | number })[]>`
      WITH matches AS (
        SELECT m."id", m."role", m."createdAt", u."id" AS "userId", u."name", u."email", u."image"
        FROM "membership" m JOIN "user" u ON u."id" = m."userId"
        WHERE m."organizationId" = ${organizationId} AND (u."name" ILIKE ${pattern} OR u."email" ILIKE ${pattern})
      )
      SELECT (SELECT count(*) FROM matches) AS "total", page.*
      FROM (SELECT 1) AS one
      LEFT JOIN LATERAL (SELECT * FROM matches m WHERE TRUE ${after} ORDER BY m."id" LIMIT ${take}) page ON TRUE`;
    totalCount = Number(found[0]?.total ?? 0);
    rows = found.filter((row): row is MemberPageRow & { total: bigint } => row.id != null);
  } else {
    rows = await db.$queryRaw<MemberPageRow[]>`
      SELECT m."id", m."role", m."createdAt", u."id" AS "userId", u."name", u."email", u."image"
      FROM "membership" m JOIN "user" u ON u."id" = m."userId"
      WHERE m."organizationId" = ${organizationId} ${after}
      ORDER BY m."id" LIMIT ${take}`;
    totalCount = access.organization.memberCount;
  }
  const page = rows.slice(0, input.limit);
  return {
    members: page.map((row) => ({
      membershipId: row.id,
      userId: row.userId,
      name: row.name,
      email: row.email,
      image: row.image,
      role: row.role,
      joinedAt: row.createdAt,
    })),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
    totalCount,
  };
}

/** Adds an existing user by email (the REST seed's "Add Org Member"), within the plan's seats. */
export async function addMember(
  db: Database,
  config: ApiConfig,
  actor: Actor,
  access: OrganizationAccess,
  input: { email: string; role: string },
): Promise<{ member: MemberDto }> {
  const organizationId = access.organization.id;
  const user = await db.user.findUnique({
    where: { email: input.email },
    select: { id: true, email: true, emailVerified: true },
  });
  if (!user) throw notFound("user_not_found", "No user has signed up with that email; send an invitation instead");
  // Anyone can sign up with any address: only a verified one proves the account is that person's.
  if (!user.emailVerified) {
    throw forbidden(
      "email_unverified",
      "That person has not verified their email address yet; send an invitation instead (accepting it verifies the address)",
    );
  }
  try {
    const member = await db.$transaction(async (tx) => {
      const lock = await lockOrganizationMemberships(tx, organizationId);
      await assertOwnerRule(tx, actor, access, { to: input.role });
      await assertRoleGrantable(tx, access, input.role);
      const already = await tx.membership.findUnique({
        where: { organizationId_userId: { organizationId, userId: user.id } },
        select: { id: true },
      });
      if (already) throw conflict("already_member", "That user is already a member");
      await assertSeatAvailable(tx, lock, config, { email: user.email });
      const created = await tx.membership.create({
        data: { organizationId, userId: user.id, role: input.role },
        select: memberSelect,
      });
      await recordAudit(tx, {
        organizationId,
        actor,
        action: "member.added",
        target: { type: "user", id: user.id, label: user.email },
        metadata: { role: input.role },
      });
      return created;
    });
    return { member: toMemberDto(member) };
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("already_member", "That user is already a member");
    throw error;
  }
}

/** Idempotent: removing someone who is not a member succeeds and changes nothing. */
export async function removeMember(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
  userId: string,
): Promise<{ ok: true }> {
  const organizationId = access.organization.id;
  await db.$transaction(async (tx) => {
    await lockOrganizationMemberships(tx, organizationId);
    const target = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId, userId } },
      select: { id: true, role: true, user: { select: { email: true } } },
    });
    if (!target) return;
    await assertOwnerRule(tx, actor, access, { from: target.role }, async () => {
      if ((await countOwners(tx, organizationId)) <= 1) throw lastOwner();
    });
    await assertHolderManageable(tx, access, target.role);
    await tx.membership.delete({ where: { id: target.id }, select: { id: true } });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "member.removed",
      target: { type: "user", id: userId, label: target.user.email },
      metadata: { role: target.role },
    });
  });
  return { ok: true };
}

export async function setMemberRole(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
  input: { userId: string; role: string },
): Promise<{ ok: true; member: MemberDto }> {
  const organizationId = access.organization.id;
  const member = await db.$transaction(async (tx) => {
    await lockOrganizationMemberships(tx, organizationId);
    const target = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId, userId: input.userId } },
      select: memberSelect,
    });
    if (!target) throw notFound("member_not_found", "That user is not a member of this organization");
    if (target.role === input.role) return target;
    await assertOwnerRule(tx, actor, access, { from: target.role, to: input.role }, async () => {
      if (target.role === "owner" && (await countOwners(tx, organizationId)) <= 1) throw lastOwner();
    });
    await assertHolderManageable(tx, access, target.role);
    await assertRoleGrantable(tx, access, input.role);
    const updated = await tx.membership.update({
      where: { id: target.id },
      data: { role: input.role },
      select: memberSelect,
    });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "member.role_changed",
      target: { type: "user", id: input.userId, label: target.user.email },
      metadata: { from: target.role, to: input.role },
    });
    return updated;
  });
  return { ok: true, member: toMemberDto(member) };
}

/** The acting user leaves. The last owner cannot leave (delete the organization or promote someone first). */
export async function leaveOrganization(db: Database, actor: Actor, access: OrganizationAccess): Promise<{ ok: true }> {
  if (actor.type !== "user") throw forbidden("user_required", "An API token is not a member and cannot leave");
  const organizationId = access.organization.id;
  await db.$transaction(async (tx) => {
    await lockOrganizationMemberships(tx, organizationId);
    const own = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId, userId: actor.userId } },
      select: { id: true, role: true },
    });
    if (!own) return;
    if (own.role === "owner" && (await countOwners(tx, organizationId)) <= 1) throw lastOwner();
    await tx.membership.delete({ where: { id: own.id }, select: { id: true } });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "member.left",
      target: { type: "user", id: actor.userId, label: actor.email },
      metadata: { role: own.role },
    });
  });
  return { ok: true };
}
