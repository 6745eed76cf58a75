import { Prisma, type Database, type DbClient } from "@tenancy/db/client";

import type { ApiConfig } from "../config";
import type { Actor } from "../domain/actor";
import { DomainError, forbidden } from "../domain/errors";
import {
  INSTANCE_TOKEN_PERMISSIONS,
  instancePermissionsOfRole,
  storedInstanceRole,
  type InstanceAuthority,
  type InstancePermission,
} from "../domain/instances";
import { accessibleOrganizationSelect, organizationWhere, type OrganizationAccess } from "./access";

export const instanceNotFound = () =>
  new DomainError("not_found", "instance_not_found", "Instance not found (or you do not administer it)");

/** What a caller may do in an instance: resolved once per request by instanceProcedure (trpc.ts). */
export interface InstanceAccess {
  instance: { id: string; name: string; isDefault: boolean };
  authority: InstanceAuthority;
  permissions: readonly InstancePermission[];
}

const instanceSelect = { id: true, name: true, isDefault: true } as const;

/**
 * Resolves what `actor` may do in instance `instanceId`, in one statement. A user needs an
 * instance membership; an instance token acts on its own instance only. Everyone else (an
 * organization's member or token, an outsider, another instance's token) gets instance_not_found:
 * no oracle for which instances exist. A member without the permission gets FORBIDDEN.
 */
export async function resolveInstanceAccess(
  db: DbClient,
  actor: Actor,
  instanceId: string,
  permission: InstancePermission,
): Promise<InstanceAccess> {
  let access: InstanceAccess | null = null;
  if (actor.type === "user") {
    const member = await db.instanceMember.findUnique({
      where: { instanceId_userId: { instanceId, userId: actor.userId } },
      select: { role: true, instance: { select: instanceSelect } },
    });
    if (member) {
      const role = storedInstanceRole(member.role);
      access = {
        instance: { ...member.instance, isDefault: member.instance.isDefault === true },
        authority: { instanceId, role },
        permissions: instancePermissionsOfRole(role),
      };
    }
  } else if (actor.type === "instanceToken" && actor.instanceId === instanceId) {
    const instance = await db.instance.findUnique({ where: { id: instanceId }, select: instanceSelect });
    if (instance) {
      access = {
        instance: { ...instance, isDefault: instance.isDefault === true },
        authority: { instanceId, role: "token" },
        permissions: INSTANCE_TOKEN_PERMISSIONS,
      };
    }
  }
  if (!access) throw instanceNotFound();
  if (!access.permissions.includes(permission)) {
    throw forbidden("permission_denied", `Your instance role does not allow this (needs ${permission})`);
  }
  return access;
}

/**
 * An organization of the instance (by id or handle), as the instance authority acts on it: not a
 * membership, so `membership` is null and the audit records the authority. Another instance's
 * organization (or none) is organization_not_found.
 */
export async function instanceOrganizationAccess(
  db: DbClient,
  access: InstanceAccess,
  ref: string,
): Promise<OrganizationAccess & { instance: InstanceAuthority }> {
  const organization = await db.organization.findFirst({
    where: { AND: [organizationWhere(ref), { instanceId: access.instance.id }] },
    select: accessibleOrganizationSelect,
  });
  if (!organization) {
    throw new DomainError("not_found", "organization_not_found", "Organization not found in this instance");
  }
  return { organization, membership: null, permissions: [], operator: false, instance: access.authority };
}

/** The default instance's id: new organizations go there unless an instance admin picks another. */
export async function defaultInstanceId(db: DbClient): Promise<string> {
  const instance = await db.instance.findUnique({ where: { isDefault: true }, select: { id: true } });
  // A fresh database has none until it is first needed (the migration leaves an empty database empty).
  return instance?.id ?? ensureDefaultInstance(db);
}

/**
 * Makes sure the default instance exists (the migration creates it; an emptied database, as in
 * tests, does not have it). Idempotent and safe to race: the unique index keeps one.
 */
export async function ensureDefaultInstance(db: DbClient): Promise<string> {
  await db.$executeRaw`INSERT INTO "instance" ("id", "name", "isDefault") VALUES (gen_random_uuid()::text, 'Default', true)
    ON CONFLICT ("isDefault") DO NOTHING`;
  const instance = await db.instance.findUnique({ where: { isDefault: true }, select: { id: true } });
  if (!instance) throw new Error("The default instance could not be created");
  return instance.id;
}

/**
 * TENANCY_ADMIN_EMAILS: the users with these addresses, once verified (anyone can sign up with any
 * address), become owners of the default instance. Run at start, at sign-up and when an address is
 * verified. Never demotes nor re-adds anyone who is already an instance member.
 */
export async function grantConfiguredInstanceOwners(
  db: Database | DbClient,
  config: Pick<ApiConfig, "instances">,
  onlyUserId?: string,
): Promise<number> {
  const emails = config.instances.adminEmails;
  if (emails.length === 0) return 0;
  await ensureDefaultInstance(db);
  return db.$executeRaw`INSERT INTO "instance_member" ("id", "instanceId", "userId", "role")
    SELECT gen_random_uuid()::text, i."id", u."id", 'owner'
    FROM "user" u CROSS JOIN "instance" i
    WHERE i."isDefault" AND u."emailVerified" AND lower(u."email") = ANY(${emails as string[]})
      ${onlyUserId ? Prisma.sql`AND u."id" = ${onlyUserId}` : Prisma.empty}
    ON CONFLICT ("instanceId", "userId") DO NOTHING`;
}
