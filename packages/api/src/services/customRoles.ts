import type { Database, DbClient, Prisma, TransactionClient } from "@tenancy/db/client";
import { isUniqueViolation } from "@tenancy/db/errors";

import type { Actor } from "../domain/actor";
import { DOMAIN_JOIN_OWNER_REFUSED, isDomainJoinRole } from "../domain/domains";
import { conflict, invalid, notFound } from "../domain/errors";
import {
  BUILT_IN_ROLE_DEFINITIONS,
  BUILT_IN_ROLES,
  isBuiltInRole,
  normalizePermissions,
  permissionsBeyond,
  permissionsOfRole,
  roleDisplayName,
  type Permission,
} from "../domain/permissions";
import type { CustomRoleDto, RoleUsage } from "../schemas/roles";
import { assertOwnerRule, type OrganizationAccess } from "./access";
import { recordAudit } from "./audit";
import { lockOrganizationMemberships } from "./locks";
import { assertRoleGrantable, permissionEscalation } from "./roleGrants";

const customRoleSelect = {
  key: true,
  name: true,
  description: true,
  permissions: true,
  createdAt: true,
  updatedAt: true,
} as const;

type CustomRoleRow = Prisma.OrganizationRoleGetPayload<{ select: typeof customRoleSelect }>;

function toCustomRoleDto(row: CustomRoleRow): CustomRoleDto {
  return { ...row, permissions: permissionsOfRole(row.key, row.permissions), builtIn: false };
}

const builtInRoleDtos = (): CustomRoleDto[] =>
  BUILT_IN_ROLES.map((key) => ({
    key,
    ...BUILT_IN_ROLE_DEFINITIONS[key],
    builtIn: true,
    createdAt: null,
    updatedAt: null,
  }));

const NO_USAGE: RoleUsage = { members: 0, pendingInvitations: 0, activeJoinCodes: 0, domains: 0 };

/** Join codes that can still admit someone: not revoked, not expired, not used up (as joinCodes.statusOf). */
function activeJoinCodesWhere(tx: DbClient, now: Date): Prisma.JoinCodeWhereInput {
  return {
    revokedAt: null,
    OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
    AND: [{ OR: [{ maxUses: null }, { uses: { lt: tx.joinCode.fields.maxUses } }] }],
  };
}

/**
 * What names each role of the organization (or only `key`): members, pending invitations (expired
 * ones too: they can be resent with their role), join codes that can still be used, and verified
 * domains' join role (every claim, whatever its policy: switching it on later would grant the role).
 */
async function roleUsage(db: DbClient, organizationId: string, key?: string): Promise<Map<string, RoleUsage>> {
  const role = key === undefined ? {} : { role: key };
  const [members, invitations, joinCodes, domains] = await Promise.all([
    db.membership.groupBy({ by: ["role"], where: { organizationId, ...role }, _count: { _all: true } }),
    db.invitation.groupBy({
      by: ["role"],
      where: { organizationId, status: "pending", ...role },
      _count: { _all: true },
    }),
    db.joinCode.groupBy({
      by: ["role"],
      where: { organizationId, ...role, ...activeJoinCodesWhere(db, new Date()) },
      _count: { _all: true },
    }),
    db.organizationDomain.groupBy({
      by: ["joinRole"],
      where: { organizationId, ...(key === undefined ? {} : { joinRole: key }) },
      _count: { _all: true },
    }),
  ]);
  const usage = new Map<string, RoleUsage>();
  const entry = (name: string) => usage.get(name) ?? usage.set(name, { ...NO_USAGE }).get(name)!;
  for (const row of members) entry(row.role).members = row._count._all;
  for (const row of invitations) entry(row.role).pendingInvitations = row._count._all;
  for (const row of joinCodes) entry(row.role).activeJoinCodes = row._count._all;
  for (const row of domains) entry(row.joinRole).domains = row._count._all;
  return usage;
}

const inUse = (usage: RoleUsage) =>
  usage.members + usage.pendingInvitations + usage.activeJoinCodes + usage.domains > 0;

/** The organization's roles: the built-in ones, then its custom roles by name, each with what uses it. */
export async function listCustomRoles(
  db: DbClient,
  access: OrganizationAccess,
): Promise<{ roles: (CustomRoleDto & { usage: RoleUsage })[] }> {
  const organizationId = access.organization.id;
  const [rows, usage] = await Promise.all([
    db.organizationRole.findMany({
      where: { organizationId },
      orderBy: [{ name: "asc" }, { key: "asc" }],
      select: customRoleSelect,
    }),
    roleUsage(db, organizationId),
  ]);
  return {
    roles: [...builtInRoleDtos(), ...rows.map(toCustomRoleDto)].map((role) => ({
      ...role,
      usage: usage.get(role.key) ?? { ...NO_USAGE },
    })),
  };
}

/** Refuses a role definition with a permission the caller lacks (owners hold them all). */
function assertWithinCallersPermissions(access: OrganizationAccess, permissions: readonly Permission[], what: string) {
  const missing = permissionsBeyond(permissions, access.permissions);
  if (missing.length > 0) throw permissionEscalation(what, missing);
}

export async function createCustomRole(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
  input: { key: string; name: string; description?: string | null; permissions: readonly Permission[] },
): Promise<{ role: CustomRoleDto }> {
  const organizationId = access.organization.id;
  const permissions = normalizePermissions(input.permissions);
  assertWithinCallersPermissions(access, permissions, "You can only create roles with permissions you have yourself");
  try {
    const row = await db.$transaction(async (tx) => {
      const created = await tx.organizationRole.create({
        data: {
          organizationId,
          key: input.key,
          name: input.name,
          description: input.description || null,
          permissions,
        },
        select: customRoleSelect,
      });
      await recordAudit(tx, {
        organizationId,
        actor,
        action: "role.created",
        target: { type: "role", id: input.key, label: input.name },
        metadata: { permissions },
      });
      return created;
    });
    return { role: toCustomRoleDto(row) };
  } catch (error) {
    if (isUniqueViolation(error)) throw roleKeyTaken(input.key);
    throw error;
  }
}

const roleNotFound = (key: string) => notFound("role_not_found", `This organization has no custom role "${key}"`);

const roleKeyTaken = (key: string) => conflict("role_key_taken", `This organization already has a role "${key}"`);

/**
 * A role's display name for someone who has just joined (join codes, invitations): a built-in role's
 * from the catalogue, with no statement; a custom role's from the organization, in one.
 */
export async function roleNameIn(db: DbClient, organizationId: string, role: string): Promise<string> {
  if (isBuiltInRole(role)) return roleDisplayName(role);
  const row = await db.organizationRole.findUnique({
    where: { organizationId_key: { organizationId, key: role } },
    select: { name: true },
  });
  return roleDisplayName(role, row?.name);
}

/** The custom role `key` under the organization's membership lock (grants read it under the same lock). */
async function lockedCustomRole(tx: TransactionClient, organizationId: string, key: string): Promise<CustomRoleRow> {
  await lockOrganizationMemberships(tx, organizationId);
  const row = await tx.organizationRole.findUnique({
    where: { organizationId_key: { organizationId, key } },
    select: customRoleSelect,
  });
  if (!row) throw roleNotFound(key);
  return row;
}

/**
 * Changes a custom role's name, description or permissions. New permissions apply to every member
 * holding it from their next request (the membership query reads the role's row each time). Under
 * the membership lock, so no grant of the role interleaves with the change.
 */
export async function updateCustomRole(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
  input: { key: string; name?: string; description?: string | null; permissions?: readonly Permission[] },
): Promise<{ role: CustomRoleDto }> {
  const organizationId = access.organization.id;
  const row = await db.$transaction(async (tx) => {
    const current = await lockedCustomRole(tx, organizationId, input.key);
    const before = permissionsOfRole(current.key, current.permissions);
    assertWithinCallersPermissions(access, before, "You can only edit roles whose permissions you have yourself");
    const permissions = input.permissions === undefined ? undefined : normalizePermissions(input.permissions);
    if (permissions) {
      assertWithinCallersPermissions(access, permissions, "You can only give a role permissions you have yourself");
    }
    const updated = await tx.organizationRole.update({
      where: { organizationId_key: { organizationId, key: input.key } },
      data: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description || null } : {}),
        ...(permissions ? { permissions } : {}),
      },
      select: customRoleSelect,
    });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "role.updated",
      target: { type: "role", id: input.key, label: updated.name },
      metadata: {
        ...(input.name !== undefined && input.name !== current.name ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description || null } : {}),
        ...(permissions
          ? {
              added: permissions.filter((p) => !before.includes(p)),
              removed: before.filter((p) => !permissions.includes(p)),
            }
          : {}),
      },
    });
    return updated;
  });
  return { role: toCustomRoleDto(row) };
}

/**
 * Deletes a custom role. While members, pending invitations, active join codes or domains name it: 409
 * `role_in_use` with the counts, unless `reassignTo` names the role they get instead (a role the
 * caller may grant), moved in the same transaction. Under the membership lock, which every grant of
 * a custom role also takes: nothing can be given the role between the count and the delete.
 */
export async function deleteCustomRole(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
  input: { key: string; reassignTo?: string },
): Promise<{ ok: true; reassigned: RoleUsage }> {
  const organizationId = access.organization.id;
  if (input.reassignTo === input.key) {
    throw invalid("invalid_input", "Choose another role to reassign to", { field: "reassignTo" });
  }
  return db.$transaction(async (tx) => {
    const role = await lockedCustomRole(tx, organizationId, input.key);
    assertWithinCallersPermissions(
      access,
      permissionsOfRole(role.key, role.permissions),
      "You can only delete roles whose permissions you have yourself",
    );
    let reassigned = { ...NO_USAGE };
    if (input.reassignTo !== undefined) {
      const to = input.reassignTo;
      await assertOwnerRule(tx, actor, access, { to });
      await assertRoleGrantable(tx, access, to, "reassignTo");
      const domainsUsing = await tx.organizationDomain.count({ where: { organizationId, joinRole: role.key } });
      if (domainsUsing > 0 && !isDomainJoinRole(to)) {
        throw invalid("invalid_input", `${DOMAIN_JOIN_OWNER_REFUSED}: choose another role for the domains`, {
          field: "reassignTo",
        });
      }
      const [members, invitations, joinCodes, domains] = [
        await tx.membership.updateMany({ where: { organizationId, role: role.key }, data: { role: to } }),
        await tx.invitation.updateMany({
          where: { organizationId, role: role.key, status: "pending" },
          data: { role: to },
        }),
        await tx.joinCode.updateMany({
          where: { organizationId, role: role.key, ...activeJoinCodesWhere(tx, new Date()) },
          data: { role: to },
        }),
        await tx.organizationDomain.updateMany({
          where: { organizationId, joinRole: role.key },
          data: { joinRole: to },
        }),
      ];
      reassigned = {
        members: members.count,
        pendingInvitations: invitations.count,
        activeJoinCodes: joinCodes.count,
        domains: domains.count,
      };
    } else {
      const usage = (await roleUsage(tx, organizationId, role.key)).get(role.key) ?? { ...NO_USAGE };
      if (inUse(usage)) {
        throw conflict(
          "role_in_use",
          `The role "${role.key}" is still used by ${usage.members} member(s), ${usage.pendingInvitations} pending invitation(s), ${usage.activeJoinCodes} active join code(s) and ${usage.domains} verified domain(s): pass reassignTo to give them another role`,
          { ...usage },
        );
      }
    }
    await tx.organizationRole.delete({
      where: { organizationId_key: { organizationId, key: role.key } },
      select: { key: true },
    });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "role.deleted",
      target: { type: "role", id: role.key, label: role.name },
      metadata: { ...(input.reassignTo !== undefined ? { reassignTo: input.reassignTo } : {}), ...reassigned },
    });
    return { ok: true as const, reassigned };
  });
}
