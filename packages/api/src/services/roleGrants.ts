import type { DbClient, TransactionClient } from "@tenancy/db/client";

import { DomainError, invalid } from "../domain/errors";
import {
  BUILT_IN_ROLE_DEFINITIONS,
  isBuiltInRole,
  permissionsBeyond,
  permissionsOfRole,
  PERMISSIONS,
  type Permission,
} from "../domain/permissions";
import type { OrganizationAccess } from "./access";
import { lockOrganizationMemberships } from "./locks";

export const permissionEscalation = (message: string, missing: readonly Permission[]) =>
  new DomainError("forbidden", "permission_escalation", `${message} (you lack ${missing.join(", ")})`, {
    missing: [...missing],
  });

/** A role named in an input (`role`, `reassignTo`) that the organization does not have: a bad request. */
const unknownRole = (key: string, field: string) =>
  invalid("invalid_input", `This organization has no role "${key}"`, { field });

/**
 * A role's permissions as its organization defines it right now: a built-in role's from the
 * catalogue, a custom role's from its row. null: the organization has no such role (another
 * organization's keys included).
 */
export async function readRolePermissions(
  db: DbClient,
  organizationId: string,
  key: string,
): Promise<readonly Permission[] | null> {
  if (isBuiltInRole(key)) return BUILT_IN_ROLE_DEFINITIONS[key].permissions;
  const row = await db.organizationRole.findUnique({
    where: { organizationId_key: { organizationId, key } },
    select: { permissions: true },
  });
  return row ? permissionsOfRole(key, row.permissions) : null;
}

/**
 * What the caller may hand out: their own permissions, or every permission when they act with an
 * instance's authority (an instance owner, admin or token, as in the owner rule: assertOwnerRule).
 */
function grantingPermissions(access: OrganizationAccess): readonly Permission[] {
  return access.instance && access.instance.role !== "viewer" ? PERMISSIONS : access.permissions;
}

/**
 * The grant rule, for every way a role is given (members.add and setRole, invitations, join codes,
 * reassignment when a role is deleted): the role must be one of this organization's (else 400
 * invalid_input naming `field`; another organization's keys are unknown here), and hold no
 * permission the caller lacks (an admin cannot hand out `org:delete`; owners hold every permission).
 * Only owners grant `owner` is the owner rule's part (assertOwnerRule): call both.
 *
 * A custom role is read holding the organization's membership lock, which customRoles.update and
 * delete take too: an edit or a delete cannot slip between this check and the write that names the
 * role, so nobody is left holding a deleted role. Built-in roles never change and need no lock.
 */
export async function assertRoleGrantable(
  tx: TransactionClient,
  access: OrganizationAccess,
  key: string,
  field = "role",
): Promise<readonly Permission[]> {
  if (!isBuiltInRole(key)) await lockOrganizationMemberships(tx, access.organization.id);
  const permissions = await readRolePermissions(tx, access.organization.id, key);
  if (!permissions) throw unknownRole(key, field);
  const missing = permissionsBeyond(permissions, grantingPermissions(access));
  if (missing.length > 0) {
    throw permissionEscalation(
      `You can only grant roles whose permissions you have yourself: "${key}" has more`,
      missing,
    );
  }
  return permissions;
}

/**
 * The other half of the grant rule: a member whose role holds permissions the caller lacks cannot be
 * given another role or removed by that caller (an admin cannot demote the holder of a role with
 * `license:manage`). The owner rule covers `owner` with its own reason: call it first. Call under the
 * organization's membership lock (setRole and remove hold it).
 */
export async function assertHolderManageable(
  tx: TransactionClient,
  access: OrganizationAccess,
  currentRole: string,
): Promise<void> {
  const permissions = (await readRolePermissions(tx, access.organization.id, currentRole)) ?? [];
  const missing = permissionsBeyond(permissions, grantingPermissions(access));
  if (missing.length > 0) {
    throw permissionEscalation(
      `You can only change or remove members whose role's permissions you have yourself: "${currentRole}" has more`,
      missing,
    );
  }
}
