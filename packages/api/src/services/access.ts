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

export interface OrganizationAccess {
  organization: { id: string; handle: string; name: string; active: boolean; logoSha256: string | null };
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
 * `operator`: the caller is a platform operator (isPlatformOperator) and the procedure admits
 * operators: they act on any organization, member or not.
 */
export async function resolveOrganizationAccess(
  db: DbClient,
  actor: Actor,
  ref: string,
  required: { permission: Permission; requireActive: boolean; operator?: boolean },
): Promise<OrganizationAccess> {
  // An instance token is no organization's member or token: it acts through the instance procedures.
  const access =
    actor.type === "user"
      ? await userAccess(db, actor.userId, ref)
      : actor.type === "token"
        ? await tokenAccess(db, actor.organizationId, ref)
        : null;
  if (required.operator) {
    const organization =
      access?.organization ??
      (await db.organization.findFirst({ where: organizationWhere(ref), select: organizationSelect }));
    if (!organization) throw organizationNotFound();
    if (required.requireActive && !organization.active) throw organizationInactive();
    return {
      organization,
      membership: access?.membership ?? null,
      permissions: access?.permissions ?? [],
      operator: true,
    };
  }
  if (!access) throw organizationNotFound();
  if (!access.permissions.includes(required.permission)) {
    throw forbidden("permission_denied", `Your role does not allow this (needs ${required.permission})`);
  }
  if (required.requireActive && !access.organization.active) throw organizationInactive();
  return access;
}

const organizationSelect = { id: true, handle: true, name: true, active: true, logoSha256: true } as const;

/** `o` is the organization `ref` names: its id, or its handle. */
function organizationRefCondition(ref: string): Prisma.Sql {
  const where = organizationWhere(ref);
  return "id" in where ? Prisma.sql`o."id" = ${where.id}` : Prisma.sql`o."handle" = ${where.handle}`;
}

interface UserAccessRow {
  membershipId: string;
  role: string;
  /** The custom role's permissions (the join below); null for a built-in role. */
  customPermissions: string[] | null;
  id: string;
  handle: string;
  name: string;
  active: boolean;
  logoSha256: string | null;
}

/**
 * One statement: the membership, its organization and, for a custom role, the role's permissions
 * (a join on the role's key), so a custom role costs no extra round trip and an edit of its
 * permissions applies on the member's next request.
 */
async function userAccess(db: DbClient, userId: string, ref: string): Promise<OrganizationAccess | null> {
  const [row] = await db.$queryRaw<UserAccessRow[]>`
    SELECT m."id" AS "membershipId", m."role", r."permissions" AS "customPermissions",
           o."id", o."handle", o."name", o."active", o."logoSha256"
    FROM "membership" m
    JOIN "organization" o ON o."id" = m."organizationId"
    LEFT JOIN "organization_role" r ON r."organizationId" = m."organizationId" AND r."key" = m."role"
    WHERE m."userId" = ${userId} AND ${organizationRefCondition(ref)}`;
  if (!row) return null;
  return {
    organization: { id: row.id, handle: row.handle, name: row.name, active: row.active, logoSha256: row.logoSha256 },
    membership: { id: row.membershipId, role: row.role },
    permissions: permissionsOfRole(row.role, row.customPermissions),
    operator: false,
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
  return { organization, membership: null, permissions: API_TOKEN_PERMISSIONS, operator: false };
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
