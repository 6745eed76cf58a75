import { Prisma, type DbClient, type TransactionClient } from "@tenancy/db/client";

import type { Actor, UserActor } from "../domain/actor";
import { DomainError, forbidden } from "../domain/errors";
import { looksLikeId } from "../domain/handles";
import type { InstanceAuthority } from "../domain/instances";
import { API_TOKEN_PERMISSIONS, permissionsOfRole, type Permission } from "../domain/permissions";
import { lockOrganizationMemberships } from "./locks";

/** Handles can never look like ids (see isReservedHandle), so the shape of the reference decides. */
export function organizationWhere(ref: string): { id: string } | { handle: string } {
  return looksLikeId(ref) ? { id: ref.toLowerCase() } : { handle: ref.toLowerCase() };
}

/** The organization as every org-scoped procedure sees it: read once per request, with the caller's access. */
export interface AccessibleOrganization {
  id: string;
  handle: string;
  name: string;
  description: string | null;
  active: boolean;
  logoSha256: string | null;
  /** Kept exact by the database (a trigger on memberships): no count per read. */
  memberCount: number;
  /** Likewise kept exact by the database; for display (the last-owner rule counts under the lock). */
  ownerCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** AccessibleOrganization as a Prisma select, for lookups that do not go through the raw access query. */
export const accessibleOrganizationSelect = {
  id: true,
  handle: true,
  name: true,
  description: true,
  active: true,
  logoSha256: true,
  memberCount: true,
  ownerCount: true,
  createdAt: true,
  updatedAt: true,
} as const;

export interface OrganizationAccess {
  organization: AccessibleOrganization;
  /** The caller's membership; null when the caller is an API token. */
  membership: { id: string; role: string } | null;
  permissions: readonly Permission[];
  /**
   * The caller is a platform operator, acting through a procedure that admits operators
   * (`orgProcedure(..., { operators: true })`); always false elsewhere. An operator need not be a member.
   */
  operator: boolean;
  /**
   * The caller acts by an instance role (an instance admin or instance token, through the instance
   * procedures), not as a member: recorded as the reason in the audit log.
   */
  instance?: InstanceAuthority;
}

/** What an access lookup found: the organization and the caller's membership, or null for an outsider. */
export type AccessLookup = {
  organization: AccessibleOrganization;
  membership: { id: string; role: string } | null;
  /** The custom role's permissions (organization_role, joined in the same statement); null for a built-in role. */
  customPermissions: readonly string[] | null;
} | null;

export const organizationNotFound = () =>
  new DomainError("not_found", "organization_not_found", "Organization not found");

export const organizationInactive = () =>
  new DomainError(
    "forbidden",
    "organization_inactive",
    "This organization is inactive and read-only until it is reactivated",
  );

export interface AccessRequirement {
  permission: Permission;
  requireActive: boolean;
  /** The caller is a platform operator and the procedure admits operators (see OrganizationAccess.operator). */
  operator?: boolean;
}

/**
 * Resolves what `actor` may do in the organization `ref` (id or handle).
 * Not a member (or another org's token) → NOT_FOUND, so outsiders cannot probe which orgs exist.
 * `operator`: the caller is a platform operator (isPlatformOperator) and the procedure admits
 * operators: they act on any organization, member or not.
 */
export async function resolveOrganizationAccess(
  db: DbClient,
  actor: Actor,
  ref: string,
  required: AccessRequirement,
): Promise<OrganizationAccess> {
  return checkOrganizationAccess(
    actor,
    await lookupOrganizationAccess(db, actor, ref, { operator: required.operator ?? false }),
    required,
  );
}

/**
 * The one access rule, applied to what a lookup found (here, or in the caller's credential lookup,
 * see callers.ts): outsiders get NOT_FOUND, a token of an inactive organization cannot be used at
 * all, a member without the permission gets FORBIDDEN, and `requireActive` refuses inactive ones.
 */
export function checkOrganizationAccess(
  actor: Actor,
  found: AccessLookup,
  required: AccessRequirement,
): OrganizationAccess {
  if (!found) throw organizationNotFound();
  const { organization, membership, customPermissions } = found;
  if (required.operator) {
    // Operators act on any organization, member or not (found by an operator lookup).
    if (required.requireActive && !organization.active) throw organizationInactive();
    return {
      organization,
      membership,
      permissions: membership ? permissionsOfRole(membership.role, customPermissions) : [],
      operator: true,
    };
  }
  // A token of an inactive organization cannot be used at all until the org is reactivated.
  if (actor.type === "token" && !organization.active) throw organizationInactive();
  // An instance token is no organization's member or token: it acts through the instance procedures
  // (its lookup finds nothing, so it never gets here).
  const permissions =
    actor.type === "token" ? API_TOKEN_PERMISSIONS : permissionsOfRole(membership?.role ?? "", customPermissions);
  if (!permissions.includes(required.permission)) {
    throw forbidden("permission_denied", `Your role does not allow this (needs ${required.permission})`);
  }
  if (required.requireActive && !organization.active) throw organizationInactive();
  return { organization, membership: actor.type === "token" ? null : membership, permissions, operator: false };
}

/** The columns of an organization in an access lookup (aliased "org…"), for every query that reads one. */
export const ACCESS_ORGANIZATION_COLUMNS = Prisma.sql`o."id" AS "orgId", o."handle" AS "orgHandle", o."name" AS "orgName",
  o."description" AS "orgDescription", o."active" AS "orgActive", o."logoSha256" AS "orgLogoSha256", o."memberCount" AS "orgMemberCount", o."ownerCount" AS "orgOwnerCount",
  o."createdAt" AS "orgCreatedAt", o."updatedAt" AS "orgUpdatedAt"`;

/** `o` is the organization `ref` names: its id, or its handle (handles never look like ids). */
export function organizationRefCondition(ref: string): Prisma.Sql {
  const where = organizationWhere(ref);
  return "id" in where ? Prisma.sql`o."id" = ${where.id}` : Prisma.sql`o."handle" = ${where.handle}`;
}

export interface AccessColumns {
  orgId: string | null;
  orgHandle: string | null;
  orgName: string | null;
  orgDescription: string | null;
  orgActive: boolean | null;
  orgLogoSha256: string | null;
  orgMemberCount: number | null;
  orgOwnerCount: number | null;
  orgCreatedAt: Date | null;
  orgUpdatedAt: Date | null;
  membershipId?: string | null;
  membershipRole?: string | null;
  /** organization_role.permissions of the membership's role when it is a custom one (ROLE_PERMISSIONS_JOIN). */
  membershipCustomPermissions?: string[] | null;
}

/**
 * The custom role of membership `m` (aliased "r"): a LEFT JOIN on the role's key, so a custom role's
 * permissions come with the membership in the same statement and an edit applies on the next request.
 */
export const ROLE_PERMISSIONS_JOIN = Prisma.sql`LEFT JOIN "organization_role" r ON r."organizationId" = m."organizationId" AND r."key" = m."role"`;

/** The membership columns of an access lookup (needs `m` and ROLE_PERMISSIONS_JOIN's `r`). */
export const ACCESS_MEMBERSHIP_COLUMNS = Prisma.sql`m."id" AS "membershipId", m."role" AS "membershipRole", r."permissions" AS "membershipCustomPermissions"`;

/** An access lookup from the aliased columns of a row (null organization columns: an outsider). */
export function accessFromColumns(row: AccessColumns | undefined): AccessLookup {
  if (!row?.orgId) return null;
  return {
    organization: {
      id: row.orgId,
      handle: row.orgHandle!,
      name: row.orgName!,
      description: row.orgDescription,
      active: row.orgActive!,
      logoSha256: row.orgLogoSha256,
      memberCount: Number(row.orgMemberCount),
      ownerCount: Number(row.orgOwnerCount),
      createdAt: row.orgCreatedAt!,
      updatedAt: row.orgUpdatedAt!,
    },
    membership: row.membershipId ? { id: row.membershipId, role: row.membershipRole! } : null,
    customPermissions: row.membershipId ? (row.membershipCustomPermissions ?? null) : null,
  };
}

/**
 * One statement: the organization `ref` with the user's membership in it, or the token's own
 * organization. `operator`: the caller is a platform operator acting through a procedure that admits
 * operators, so the organization is found whether or not they are a member.
 */
export async function lookupOrganizationAccess(
  db: DbClient,
  actor: Actor,
  ref: string,
  options: { operator: boolean } = { operator: false },
): Promise<AccessLookup> {
  if (actor.type === "instanceToken" && !options.operator) return null;
  const rows =
    actor.type === "user" && options.operator
      ? await db.$queryRaw<AccessColumns[]>`
          SELECT ${ACCESS_ORGANIZATION_COLUMNS}, ${ACCESS_MEMBERSHIP_COLUMNS}
          FROM "organization" o
          LEFT JOIN "membership" m ON m."organizationId" = o."id" AND m."userId" = ${actor.userId}
          ${ROLE_PERMISSIONS_JOIN}
          WHERE ${organizationRefCondition(ref)}`
      : actor.type === "user"
        ? await db.$queryRaw<AccessColumns[]>`
          SELECT ${ACCESS_ORGANIZATION_COLUMNS}, ${ACCESS_MEMBERSHIP_COLUMNS}
          FROM "membership" m JOIN "organization" o ON o."id" = m."organizationId"
          ${ROLE_PERMISSIONS_JOIN}
          WHERE m."userId" = ${actor.userId} AND ${organizationRefCondition(ref)}`
        : actor.type === "token"
          ? await db.$queryRaw<AccessColumns[]>`
          SELECT ${ACCESS_ORGANIZATION_COLUMNS} FROM "organization" o
          WHERE o."id" = ${actor.organizationId} AND ${organizationRefCondition(ref)}`
          : await db.$queryRaw<AccessColumns[]>`
          SELECT ${ACCESS_ORGANIZATION_COLUMNS} FROM "organization" o WHERE ${organizationRefCondition(ref)}`;
  return accessFromColumns(rows[0]);
}

export const ownerRequired = () =>
  forbidden("owner_required", "Only an owner can grant, change or remove the owner role");

/**
 * The owner rule, for every way a role is given or taken (members, invitations, join codes): only an
 * owner grants, changes or removes `owner`. Call it inside the change's transaction. It refuses at
 * once when the caller was not an owner as resolved for this request (API tokens never are), then
 * takes the organization's membership lock and re-reads the caller's role under it: the access was
 * resolved before the transaction, and a concurrent demotion may have happened since; the lock
 * orders this change after it. `underLockFirst` runs under the lock before that re-read, for checks
 * whose answer should win (last_owner: the conflict a concurrent demotion caused). An instance's
 * owners, admins and tokens (`access.instance`, through the instance procedures) act above the
 * organization and may grant `owner` (e.g. invite the owner of an organization created for someone).
 */
export async function assertOwnerRule(
  tx: TransactionClient,
  actor: Actor,
  access: OrganizationAccess,
  change: { from?: string | null; to?: string | null },
  underLockFirst?: () => Promise<void>,
): Promise<void> {
  if (change.from !== "owner" && change.to !== "owner") return;
  if (access.instance && access.instance.role !== "viewer") return;
  if (actor.type !== "user" || access.membership?.role !== "owner") throw ownerRequired();
  const organizationId = access.organization.id;
  await lockOrganizationMemberships(tx, organizationId);
  await underLockFirst?.();
  const own = await tx.membership.findUnique({
    where: { organizationId_userId: { organizationId, userId: actor.userId } },
    select: { role: true },
  });
  if (own?.role !== "owner") throw ownerRequired();
}

/**
 * Acting on what was sent to an email address (listing its invitations, accepting one by id, being
 * added by it) needs that address verified: otherwise anyone could sign up with someone else's
 * address and take what was meant for them.
 */
export function assertEmailVerified(actor: UserActor): void {
  if (!actor.emailVerified) {
    throw forbidden(
      "email_unverified",
      `Verify your email address (${actor.email}) first: open the link we sent you, or ask for a new one`,
    );
  }
}
