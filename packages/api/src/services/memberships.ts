import type { DbClient, Prisma } from "@tenancy/db/client";

import type { Actor, UserActor } from "../domain/actor";
import { DomainError, notFound } from "../domain/errors";
import { withLogoUrl } from "../domain/images";
import { roleDisplayName } from "../domain/permissions";
import type { MembershipDto } from "../schemas/members";
import { organizationWhere, resolveOrganizationAccess } from "./access";
import {
  ORGANIZATION_SUMMARY_COLUMNS,
  splitOrganizationSummary,
  type OrganizationSummaryColumns,
} from "./organizationSummary";

const membershipSelect = {
  id: true,
  userId: true,
  role: true,
  createdAt: true,
  organization: { select: { id: true, handle: true, name: true, active: true, logoSha256: true } },
} as const;

type MembershipRow = Prisma.MembershipGetPayload<{ select: typeof membershipSelect }>;

const toMembershipDto = ({ organization, ...row }: MembershipRow): MembershipDto => ({
  ...row,
  role: row.role,
  organization: withLogoUrl(organization),
});

const membershipNotFound = () => notFound("membership_not_found", "Membership not found");

/**
 * balena's membership.get: by id, or by the unique (user, organization) pair. Visible to the user
 * it belongs to and to anyone who may view the organization's members; everyone else gets NOT_FOUND.
 */
export async function getMembership(
  db: DbClient,
  actor: Actor,
  input: { membershipId: string } | { userId: string; organizationId: string },
): Promise<{ membership: MembershipDto }> {
  const membership =
    "membershipId" in input
      ? await db.membership.findUnique({ where: { id: input.membershipId }, select: membershipSelect })
      : await db.membership.findFirst({
          where: { userId: input.userId, organization: organizationWhere(input.organizationId) },
          select: membershipSelect,
        });
  if (!membership) throw membershipNotFound();
  const isOwn = actor.type === "user" && actor.userId === membership.userId;
  if (!isOwn) {
    try {
      await resolveOrganizationAccess(db, actor, membership.organization.id, {
        permission: "members:view",
        requireActive: false,
      });
    } catch (error) {
      if (error instanceof DomainError && (error.kind === "not_found" || error.kind === "forbidden"))
        throw membershipNotFound();
      throw error;
    }
  }
  return { membership: toMembershipDto(membership) };
}

/**
 * balena's getAllByUser, for the acting user. `isLastOwner` marks the organizations where they are
 * the only owner, which they cannot leave (last_owner) until someone else is made an owner.
 */
export async function listMembershipsOfUser(
  db: DbClient,
  actor: UserActor,
): Promise<{ memberships: (MembershipDto & { roleName: string; isLastOwner: boolean })[] }> {
  // One statement: the organizations and custom roles' names come with the memberships.
  const rows = await db.$queryRaw<
    ({
      id: string;
      userId: string;
      role: string;
      createdAt: Date;
      customRoleName: string | null;
    } & OrganizationSummaryColumns)[]
  >`
    SELECT m."id", m."userId", m."role", m."createdAt", r."name" AS "customRoleName", ${ORGANIZATION_SUMMARY_COLUMNS}
    FROM "membership" m
    JOIN "organization" o ON o."id" = m."organizationId"
    LEFT JOIN "organization_role" r ON r."organizationId" = m."organizationId" AND r."key" = m."role"
    WHERE m."userId" = ${actor.userId}
    ORDER BY m."createdAt" ASC, m."id" ASC`;
  const memberships = rows.map((read) => {
    const {
      rest: { customRoleName, ...row },
      organization,
    } = splitOrganizationSummary(read);
    return { ...row, roleName: roleDisplayName(row.role, customRoleName), organization };
  });
  const ownedIds = memberships.filter((m) => m.role === "owner").map((m) => m.organization.id);
  const owners =
    ownedIds.length === 0
      ? []
      : await db.membership.groupBy({
          by: ["organizationId"],
          where: { organizationId: { in: ownedIds }, role: "owner" },
          _count: { _all: true },
        });
  const ownerCounts = new Map(owners.map((row) => [row.organizationId, row._count._all]));
  return {
    memberships: memberships.map(({ roleName, ...m }) => ({
      ...toMembershipDto(m),
      roleName,
      isLastOwner: m.role === "owner" && (ownerCounts.get(m.organization.id) ?? 0) <= 1,
    })),
  };
}
