import type { DbClient } from "@tenancy/db/client";

import type { Actor } from "../domain/actor";
import { DomainError, forbidden } from "../domain/errors";
import { looksLikeId } from "../domain/handles";
import { API_TOKEN_PERMISSIONS, permissionsOfRole, type Permission } from "../domain/permissions";

/** Handles can never look like ids (see isReservedHandle), so the shape of the reference decides. */
export function organizationWhere(ref: string): { id: string } | { handle: string } {
  return looksLikeId(ref) ? { id: ref.toLowerCase() } : { handle: ref.toLowerCase() };
}

export interface OrganizationAccess {
  organization: { id: string; handle: string; name: string; active: boolean };
  /** The caller's membership; null when the caller is an API token. */
  membership: { id: string; role: string } | null;
  permissions: readonly Permission[];
}

export const organizationNotFound = () =>
  new DomainError("not_found", "organization_not_found", "Organization not found");

export const organizationInactive = () =>
  new DomainError(
    "forbidden",
    "organization_inactive",
    "This organization is inactive and read-only until it is reactivated",
  );

/**
 * Resolves what `actor` may do in the organization `ref` (id or handle).
 * Not a member (or another org's token) → NOT_FOUND, so outsiders cannot probe which orgs exist.
 */
export async function resolveOrganizationAccess(
  db: DbClient,
  actor: Actor,
  ref: string,
  required: { permission: Permission; requireActive: boolean },
): Promise<OrganizationAccess> {
  const access =
    actor.type === "user" ? await userAccess(db, actor.userId, ref) : await tokenAccess(db, actor.organizationId, ref);
  if (!access) throw organizationNotFound();
  if (!access.permissions.includes(required.permission)) {
    throw forbidden("permission_denied", `Your role does not allow this (needs ${required.permission})`);
  }
  if (required.requireActive && !access.organization.active) throw organizationInactive();
  return access;
}

const organizationSelect = { id: true, handle: true, name: true, active: true } as const;

async function userAccess(db: DbClient, userId: string, ref: string): Promise<OrganizationAccess | null> {
  const membership = await db.membership.findFirst({
    where: { userId, organization: organizationWhere(ref) },
    select: { id: true, role: true, organization: { select: organizationSelect } },
  });
  if (!membership) return null;
  return {
    organization: membership.organization,
    membership: { id: membership.id, role: membership.role },
    permissions: permissionsOfRole(membership.role),
  };
}

async function tokenAccess(db: DbClient, tokenOrganizationId: string, ref: string): Promise<OrganizationAccess | null> {
  const organization = await db.organization.findFirst({
    where: { AND: [organizationWhere(ref), { id: tokenOrganizationId }] },
    select: organizationSelect,
  });
  if (!organization) return null;
  // A token of an inactive organization cannot be used at all until the org is reactivated.
  if (!organization.active) throw organizationInactive();
  return { organization, membership: null, permissions: API_TOKEN_PERMISSIONS };
}
