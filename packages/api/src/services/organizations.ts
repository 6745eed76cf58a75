import { Prisma, type Database, type DbClient } from "@tenancy/db/client";
import { isUniqueViolation } from "@tenancy/db/errors";

import type { Actor, UserActor } from "../domain/actor";
import { conflict, invalid } from "../domain/errors";
import { roleDisplayName, type Permission } from "../domain/permissions";
import type { z } from "zod";

import type { handleAvailabilityOutput, OrganizationDto, OrganizationWithRoleDto } from "../schemas/organizations";
import { organizationInactive, type OrganizationAccess } from "./access";
import { recordAudit } from "./audit";
import { firstFreeHandle, handleRefusal, slugifyHandle } from "../domain/handles";
import { withLogoUrl } from "../domain/images";

export const organizationSelect = {
  id: true,
  handle: true,
  name: true,
  description: true,
  active: true,
  logoSha256: true,
  createdAt: true,
  updatedAt: true,
} as const;

type OrganizationRow = Prisma.OrganizationGetPayload<{ select: typeof organizationSelect }>;

export function toOrganizationDto(row: OrganizationRow): OrganizationDto {
  return withLogoUrl(row);
}

export const handleTaken = (handle: string) => conflict("handle_taken", `The handle "${handle}" is already taken`);

export function assertHandleAllowed(handle: string): void {
  const refusal = handleRefusal(handle);
  if (refusal === "handle_reserved")
    throw invalid("handle_reserved", `The handle "${handle}" is reserved`, { field: "handle" });
  if (refusal)
    throw invalid(refusal, `The handle "${handle}" cannot be used: it looks like an id`, { field: "handle" });
}

export async function deriveFreeHandle(db: DbClient, name: string): Promise<string> {
  const base = slugifyHandle(name);
  const similar = await db.organization.findMany({ where: { handle: { startsWith: base } }, select: { handle: true } });
  return firstFreeHandle(base, new Set(similar.map((row) => row.handle)));
}

/**
 * Runs `create` with the requested handle, or with a free one derived from the name. A derived
 * handle can lose a race with a concurrent create: it is derived again a few times before giving
 * up. A requested handle that is taken is refused at once (handle_taken).
 */
export async function createWithFreeHandle<T>(
  db: DbClient,
  input: { name: string; handle?: string },
  create: (handle: string) => Promise<T>,
): Promise<T> {
  if (input.handle) assertHandleAllowed(input.handle);
  for (let attempt = 0; ; attempt++) {
    const handle = input.handle ?? (await deriveFreeHandle(db, input.name));
    try {
      return await create(handle);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (input.handle || attempt >= 4) throw handleTaken(handle);
    }
  }
}

export async function createOrganization(
  db: Database,
  actor: UserActor,
  input: { name: string; handle?: string; description?: string | null },
): Promise<{ organization: OrganizationDto }> {
  return createWithFreeHandle(db, input, async (handle) => {
    const organization = await db.$transaction(async (tx) => {
      const created = await tx.organization.create({
        data: {
          name: input.name,
          handle,
          description: input.description ?? null,
          // New organizations go to the default instance (instance admins create them elsewhere); the
          // server creates it at start, a database used without the server gets it here.
          instance: {
            connectOrCreate: { where: { isDefault: true }, create: { name: "Default", isDefault: true } },
          },
          memberships: { create: { userId: actor.userId, role: "owner" } },
        },
        select: organizationSelect,
      });
      await recordAudit(tx, {
        organizationId: created.id,
        actor,
        action: "organization.created",
        target: { type: "organization", id: created.id, label: created.name },
        metadata: { handle: created.handle },
      });
      return created;
    });
    return { organization: toOrganizationDto(organization) };
  });
}

/** The organization and its member count come from the access lookup (one statement with the caller's credential). */
export function getOrganization(access: OrganizationAccess): {
  organization: OrganizationDto;
  role: string | null;
  permissions: readonly Permission[];
  memberCount: number;
  /** How many owners there are: with one, that owner can neither be demoted nor leave (last_owner). */
  ownerCount: number;
} {
  // No statement of its own: the organization and its member and owner counts came with the access lookup.
  const { memberCount, ownerCount, ...organization } = access.organization;
  return {
    organization: toOrganizationDto(organization),
    role: access.membership ? access.membership.role : null,
    permissions: access.permissions,
    memberCount,
    ownerCount,
  };
}

/** The organizations the actor belongs to, with their role. A token sees only its own organization. */
export async function listOrganizations(
  db: DbClient,
  actor: Actor,
  input: { activeOnly?: boolean },
): Promise<{ organizations: OrganizationWithRoleDto[] }> {
  if (actor.type === "token") {
    const organization = await db.organization.findUnique({
      where: { id: actor.organizationId },
      select: organizationSelect,
    });
    if (!organization) return { organizations: [] };
    // As everywhere else, a token of an inactive organization is refused until it is reactivated.
    if (!organization.active) throw organizationInactive();
    return {
      organizations: [
        {
          ...toOrganizationDto(organization),
          role: "api_token",
          roleName: "API token",
          membershipId: actor.tokenId,
          joinedAt: organization.createdAt,
        },
      ],
    };
  }
  // Instance tokens never get here (their scopes reach instance procedures only).
  if (actor.type !== "user") return { organizations: [] };
  // One statement (Prisma would load the organizations with a second query); a custom role's name comes with it.
  const rows = await db.$queryRaw<
    (OrganizationRow & { role: string; customRoleName: string | null; membershipId: string; joinedAt: Date })[]
  >`
    SELECT o."id", o."handle", o."name", o."description", o."active", o."logoSha256", o."createdAt", o."updatedAt",
           m."role", r."name" AS "customRoleName", m."id" AS "membershipId", m."createdAt" AS "joinedAt"
    FROM "membership" m JOIN "organization" o ON o."id" = m."organizationId"
    LEFT JOIN "organization_role" r ON r."organizationId" = m."organizationId" AND r."key" = m."role"
    WHERE m."userId" = ${actor.userId} ${input.activeOnly ? Prisma.sql`AND o."active"` : Prisma.empty}
    ORDER BY o."name" ASC`;
  return {
    organizations: rows.map(({ role, customRoleName, membershipId, joinedAt, ...organization }) => ({
      ...toOrganizationDto(organization),
      role,
      roleName: roleDisplayName(role, customRoleName),
      membershipId,
      joinedAt,
    })),
  };
}

export async function updateOrganization(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
  input: { name?: string | null; description?: string | null; handle?: string; active?: boolean | null },
): Promise<{ ok: true; organization: OrganizationDto }> {
  if (input.handle !== undefined && input.handle !== access.organization.handle) assertHandleAllowed(input.handle);
  const changes = {
    // null name/active mean "leave as is" (the REST seed's nullable fields); null description clears it.
    ...(input.name != null ? { name: input.name } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.handle !== undefined ? { handle: input.handle } : {}),
    ...(input.active != null ? { active: input.active } : {}),
  };
  try {
    const organization = await db.$transaction(async (tx) => {
      const updated = await tx.organization.update({
        where: { id: access.organization.id },
        data: changes,
        select: organizationSelect,
      });
      await recordAudit(tx, {
        organizationId: updated.id,
        actor,
        action: "organization.updated",
        target: { type: "organization", id: updated.id, label: updated.name },
        metadata: Object.fromEntries(Object.entries(changes).map(([field, value]) => [field, value ?? null])),
      });
      return updated;
    });
    return { ok: true, organization: toOrganizationDto(organization) };
  } catch (error) {
    if (isUniqueViolation(error) && input.handle) throw handleTaken(input.handle);
    throw error;
  }
}

/**
 * Deletes the organization; memberships, invitations, join codes and API tokens go with it
 * (foreign keys cascade), so its tokens stop authenticating at once. The audit trail is kept.
 */
export async function deleteOrganization(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
): Promise<{ ok: true }> {
  await db.$transaction(async (tx) => {
    await recordAudit(tx, {
      organizationId: access.organization.id,
      actor,
      action: "organization.deleted",
      target: { type: "organization", id: access.organization.id, label: access.organization.name },
      metadata: { handle: access.organization.handle },
    });
    await tx.organization.delete({ where: { id: access.organization.id }, select: { id: true } });
  });
  return { ok: true };
}

/**
 * For the live availability check in CreateOrganization. `suggestion` is the handle `create` would
 * derive from this one when it is taken (acme → acme-2), so a form can say what it will get.
 */
export async function checkHandleAvailability(
  db: DbClient,
  handle: string,
): Promise<z.output<typeof handleAvailabilityOutput>> {
  const refusal = handleRefusal(handle);
  if (refusal) return { handle, available: false, reason: refusal, suggestion: null };
  const existing = await db.organization.findUnique({ where: { handle }, select: { id: true } });
  if (!existing) return { handle, available: true, reason: null, suggestion: null };
  return { handle, available: false, reason: "handle_taken", suggestion: await deriveFreeHandle(db, handle) };
}
