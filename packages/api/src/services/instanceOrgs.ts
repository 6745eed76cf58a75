import type { Database, DbClient, Prisma } from "@tenancy/db/client";

import type { ApiConfig } from "../config";
import type { Actor } from "../domain/actor";
import { DomainError } from "../domain/errors";
import { licenseStatus } from "../domain/licensing";
import type { InvitationDto } from "../schemas/invitations";
import type { InstanceOrganizationDto, InstanceOrgInviteDto } from "../schemas/instances";
import { accessibleOrganizationSelect, organizationInactive, type OrganizationAccess } from "./access";
import { recordAudit } from "./audit";
import type { InstanceAccess } from "./instanceAccess";
import { instanceOrganizationAccess } from "./instanceAccess";
import { createInvitation, inviteInTransaction, listInvitations } from "./invitations";
import { createWithFreeHandle } from "./organizations";

const instanceOrganizationSelect = {
  id: true,
  handle: true,
  name: true,
  description: true,
  active: true,
  createdAt: true,
  _count: { select: { memberships: true } },
  license: {
    select: {
      license: {
        select: { id: true, planKey: true, planName: true, validFrom: true, expiresAt: true, revokedAt: true },
      },
    },
  },
} as const satisfies Prisma.OrganizationSelect;

type InstanceOrganizationRow = Prisma.OrganizationGetPayload<{ select: typeof instanceOrganizationSelect }>;

function toInstanceOrganizationDto(row: InstanceOrganizationRow, now = new Date()): InstanceOrganizationDto {
  const { _count, license, ...organization } = row;
  const held = license?.license;
  return {
    ...organization,
    memberCount: _count.memberships,
    license: held
      ? {
          id: held.id,
          planKey: held.planKey,
          planName: held.planName,
          status: licenseStatus(held, now),
          expiresAt: held.expiresAt,
        }
      : null,
  };
}

function encodeCursor(name: string, id: string): string {
  return Buffer.from(JSON.stringify([name, id])).toString("base64url");
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((value) => typeof value === "string")) {
      return parsed as [string, string];
    }
  } catch {
    // a bad cursor is a bad request
  }
  throw new DomainError("invalid", "invalid_input", "Invalid cursor", { field: "cursor" });
}

/** The instance's organizations by name, with member counts, the active flag and the license. */
export async function listInstanceOrganizations(
  db: DbClient,
  access: InstanceAccess,
  input: { search?: string; status: "all" | "active" | "inactive"; cursor?: string; limit: number },
): Promise<{ organizations: InstanceOrganizationDto[]; nextCursor: string | null; totalCount: number }> {
  const where: Prisma.OrganizationWhereInput = {
    instanceId: access.instance.id,
    ...(input.status === "all" ? {} : { active: input.status === "active" }),
    ...(input.search
      ? {
          OR: [
            { name: { contains: input.search, mode: "insensitive" } },
            { handle: { contains: input.search.toLowerCase() } },
          ],
        }
      : {}),
  };
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  const [rows, totalCount] = await Promise.all([
    db.organization.findMany({
      where: after
        ? { AND: [where, { OR: [{ name: { gt: after[0] } }, { name: after[0], id: { gt: after[1] } }] }] }
        : where,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      take: input.limit + 1,
      select: instanceOrganizationSelect,
    }),
    db.organization.count({ where }),
  ]);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    organizations: page.map((row) => toInstanceOrganizationDto(row)),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last.name, last.id) : null,
    totalCount,
  };
}

// Built-in roles first, in rank order; custom roles after them.
const ROLE_ORDER: Record<string, number> = { owner: 0, admin: 1, member: 2, viewer: 3 };
const roleRank = (role: string) => ROLE_ORDER[role] ?? 4;

/** One organization of the instance, read-only: its summary, first members and pending invitations. */
export async function getInstanceOrganization(db: DbClient, access: InstanceAccess, orgRef: string) {
  const { organization } = await instanceOrganizationAccess(db, access, orgRef);
  const [row, memberships, pendingInvitations] = await Promise.all([
    db.organization.findUniqueOrThrow({ where: { id: organization.id }, select: instanceOrganizationSelect }),
    db.membership.findMany({
      where: { organizationId: organization.id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: 100,
      select: { role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
    }),
    db.invitation.count({ where: { organizationId: organization.id, status: "pending" } }),
  ]);
  const members = memberships
    .map((m) => ({
      userId: m.user.id,
      name: m.user.name,
      email: m.user.email,
      role: m.role,
      joinedAt: m.createdAt,
    }))
    .sort((a, b) => roleRank(a.role) - roleRank(b.role));
  return { organization: toInstanceOrganizationDto(row), members, pendingInvitations };
}

/**
 * An organization created by an instance admin on behalf of someone: a user with that verified
 * email becomes its owner; anyone else is emailed an owner invitation (in the same transaction). The
 * admin does not become a member; the audit names them with their instance role.
 */
export async function createInstanceOrganization(
  db: Database,
  config: ApiConfig,
  actor: Actor,
  access: InstanceAccess,
  input: { name: string; handle?: string; description?: string | null; ownerEmail: string },
) {
  const owner = await db.user.findUnique({
    where: { email: input.ownerEmail },
    select: { id: true, email: true, emailVerified: true },
  });
  const ownerMember = owner?.emailVerified ? owner : null;
  return createWithFreeHandle(db, input, (handle) =>
    db.$transaction(async (tx) => {
      const created = await tx.organization.create({
        data: {
          name: input.name,
          handle,
          description: input.description ?? null,
          instanceId: access.instance.id,
          ...(ownerMember ? { memberships: { create: { userId: ownerMember.id, role: "owner" } } } : {}),
        },
        select: accessibleOrganizationSelect,
      });
      await recordAudit(tx, {
        organizationId: created.id,
        actor,
        action: "organization.created",
        target: { type: "organization", id: created.id, label: created.name },
        metadata: { handle: created.handle, owner: input.ownerEmail },
        authority: access.authority,
      });
      let invitation: { id: string; email: string; expiresAt: Date } | null = null;
      if (ownerMember) {
        await recordAudit(tx, {
          organizationId: created.id,
          actor,
          action: "member.added",
          target: { type: "user", id: ownerMember.id, label: ownerMember.email },
          metadata: { role: "owner" },
          authority: access.authority,
        });
      } else {
        const orgAccess: OrganizationAccess = {
          organization: created,
          membership: null,
          permissions: [],
          operator: false,
          instance: access.authority,
        };
        const sent = await inviteInTransaction(tx, config, actor, orgAccess, {
          email: input.ownerEmail,
          role: "owner",
          expiresInDays: 7,
        });
        invitation = { id: sent.invitation.id, email: sent.invitation.email, expiresAt: sent.invitation.expiresAt };
      }
      const row = await tx.organization.findUniqueOrThrow({
        where: { id: created.id },
        select: instanceOrganizationSelect,
      });
      return {
        organization: toInstanceOrganizationDto(row),
        owner: ownerMember ? { userId: ownerMember.id, email: ownerMember.email } : null,
        invitation,
      };
    }),
  );
}

/** Deactivates (read-only; its tokens stop working) or reactivates an organization of the instance. */
export async function setInstanceOrganizationActive(
  db: Database,
  actor: Actor,
  access: InstanceAccess,
  orgRef: string,
  active: boolean,
): Promise<{ organization: InstanceOrganizationDto }> {
  const { organization } = await instanceOrganizationAccess(db, access, orgRef);
  const row = await db.$transaction(async (tx) => {
    const updated = await tx.organization.update({
      where: { id: organization.id },
      data: { active },
      select: instanceOrganizationSelect,
    });
    if (organization.active !== active) {
      await recordAudit(tx, {
        organizationId: organization.id,
        actor,
        action: active ? "organization.reactivated" : "organization.deactivated",
        target: { type: "organization", id: organization.id, label: organization.name },
        metadata: { active },
        authority: access.authority,
      });
    }
    return updated;
  });
  return { organization: toInstanceOrganizationDto(row) };
}

// ---- Instance org invites (the Losant seed) -------------------------------------------------------

/** The most a GET answers: the seed's response is one array, with no pages. */
export const INSTANCE_ORG_INVITES_LIMIT = 1000;

function toInstanceOrgInvite(invitation: InvitationDto): InstanceOrgInviteDto {
  return {
    id: invitation.id,
    orgId: invitation.organizationId,
    email: invitation.email,
    role: invitation.role,
    inviteDate: invitation.createdAt,
    ttl: invitation.expiresAt.getTime() - invitation.createdAt.getTime(),
    hasExpired: invitation.status === "expired",
    expiresAt: invitation.expiresAt,
    message: invitation.message,
    invitedBy: invitation.invitedBy,
  };
}

/** `instanceOrgInvites.get`: the organization's pending invitations, sorted and glob-filtered (listInvitations). */
export async function getInstanceOrgInvites(
  db: DbClient,
  access: InstanceAccess,
  input: {
    orgId: string;
    sortField: "email" | "role" | "inviteDate";
    sortDirection: "asc" | "desc";
    filterField?: "email" | "role";
    filter?: string;
  },
): Promise<InstanceOrgInviteDto[]> {
  const orgAccess = await instanceOrganizationAccess(db, access, input.orgId);
  const { invitations } = await listInvitations(db, orgAccess, {
    limit: INSTANCE_ORG_INVITES_LIMIT,
    sortField: input.sortField,
    sortDirection: input.sortDirection,
    filterField: input.filterField,
    filter: input.filter,
  });
  return invitations.map(toInstanceOrgInvite);
}

/** `instanceOrgInvites.post`: the same invitation, email and seat rule as an organization's own invitation. */
export async function postInstanceOrgInvite(
  db: Database,
  config: ApiConfig,
  actor: Actor,
  access: InstanceAccess,
  input: {
    orgId: string;
    invite: { email: string; role: string; message?: string; expiresInDays: number };
  },
): Promise<InstanceOrgInviteDto> {
  const orgAccess = await instanceOrganizationAccess(db, access, input.orgId);
  if (!orgAccess.organization.active) throw organizationInactive();
  const { invitation } = await createInvitation(db, config, actor, orgAccess, input.invite);
  return toInstanceOrgInvite(invitation);
}
