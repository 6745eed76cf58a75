import type { Database, DbClient } from "@tenancy/db/client";
import { isUniqueViolation } from "@tenancy/db/errors";

import type { ApiConfig } from "../config";
import type { Actor, UserActor } from "../domain/actor";
import { conflict, type DomainError, forbidden, invalid, notFound } from "../domain/errors";
import type { z } from "zod";

import type { JoinCodeDto, JoinCodeStatus, joinWithCodeOutput } from "../schemas/joinCodes";
import { assertOwnerRule, type OrganizationAccess } from "./access";
import { recordAudit } from "./audit";
import { lockOrganizationMemberships } from "./locks";
import { consumeRedeemLimits } from "./rateLimit";
import { assertRoleGrantable } from "./roleGrants";
import { assertSeatAvailable } from "./seats";
import { normalizeCode, randomCode, sha256Hex } from "./secrets";

const joinCodeSelect = {
  id: true,
  organizationId: true,
  role: true,
  codeHint: true,
  maxUses: true,
  uses: true,
  expiresAt: true,
  revokedAt: true,
  createdAt: true,
} as const;

type JoinCodeRow = {
  id: string;
  organizationId: string;
  role: string;
  codeHint: string;
  maxUses: number | null;
  uses: number;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
};

function statusOf(
  row: Pick<JoinCodeRow, "revokedAt" | "expiresAt" | "maxUses" | "uses">,
  now = new Date(),
): JoinCodeStatus {
  if (row.revokedAt) return "revoked";
  if (row.expiresAt && row.expiresAt <= now) return "expired";
  if (row.maxUses !== null && row.uses >= row.maxUses) return "exhausted";
  return "active";
}

function toJoinCodeDto(row: JoinCodeRow): JoinCodeDto {
  const { codeHint, ...rest } = row;
  return { ...rest, hint: codeHint, status: statusOf(row) };
}

// 10 characters of Crockford base32 = 50 bits: short enough to type, and guessing is rate-limited.
const CODE_LENGTH = 10;

export async function createJoinCode(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
  input: { role: string; maxUses?: number | null; expiresAt?: Date | null },
): Promise<{ joinCode: JoinCodeDto; code: string }> {
  if (input.expiresAt && input.expiresAt <= new Date()) {
    throw invalid("invalid_input", "The expiry must be in the future", { field: "expiresAt" });
  }
  const raw = randomCode(CODE_LENGTH);
  const code = `${raw.slice(0, 5)}-${raw.slice(5)}`;
  const organizationId = access.organization.id;
  const joinCode = await db.$transaction(async (tx) => {
    await assertOwnerRule(tx, actor, access, { to: input.role });
    await assertRoleGrantable(tx, access, input.role);
    const created = await tx.joinCode.create({
      data: {
        organizationId,
        role: input.role,
        codeHash: sha256Hex(normalizeCode(code)),
        codeHint: `•••••-••${raw.slice(-3)}`,
        maxUses: input.maxUses ?? null,
        expiresAt: input.expiresAt ?? null,
        createdById: actor.type === "user" ? actor.userId : null,
      },
      select: joinCodeSelect,
    });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "join_code.created",
      target: { type: "join_code", id: created.id, label: created.codeHint },
      metadata: { role: input.role, maxUses: input.maxUses ?? null },
    });
    return created;
  });
  return { joinCode: toJoinCodeDto(joinCode), code };
}

export async function listJoinCodes(db: DbClient, access: OrganizationAccess): Promise<{ joinCodes: JoinCodeDto[] }> {
  const rows = await db.joinCode.findMany({
    where: { organizationId: access.organization.id },
    orderBy: { createdAt: "desc" },
    select: joinCodeSelect,
  });
  return { joinCodes: rows.map(toJoinCodeDto) };
}

export async function revokeJoinCode(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
  id: string,
): Promise<{ ok: true }> {
  const organizationId = access.organization.id;
  await db.$transaction(async (tx) => {
    const row = await tx.joinCode.findFirst({
      where: { id, organizationId },
      select: { id: true, codeHint: true, revokedAt: true },
    });
    if (!row) throw notFound("join_code_not_found", "Join code not found");
    if (row.revokedAt) return;
    await tx.joinCode.update({ where: { id }, data: { revokedAt: new Date() }, select: { id: true } });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "join_code.revoked",
      target: { type: "join_code", id, label: row.codeHint },
    });
  });
  return { ok: true };
}

function unusableError(status: JoinCodeStatus): DomainError {
  switch (status) {
    case "revoked":
      return conflict("join_code_revoked", "This code was revoked");
    case "expired":
      return conflict("join_code_expired", "This code has expired");
    default:
      return conflict("join_code_exhausted", "This code has been used the maximum number of times");
  }
}

export type JoinResult = z.output<typeof joinWithCodeOutput>;

/**
 * The acting user joins with a code. A use is counted only for a new member, by a conditional
 * increment (uses < maxUses) that row-locks the code, so `maxUses: N` admits exactly N users
 * however many join at once.
 */
export async function joinWithCode(
  db: Database,
  config: ApiConfig,
  actor: UserActor,
  ip: string | null,
  rawCode: string,
): Promise<JoinResult> {
  await consumeRedeemLimits(db, config, actor.userId, ip);

  const codeHash = sha256Hex(normalizeCode(rawCode));
  try {
    return await db.$transaction(async (tx) => {
      const code = await tx.joinCode.findUnique({
        where: { codeHash },
        select: { ...joinCodeSelect, organization: { select: { active: true, id: true, handle: true, name: true } } },
      });
      if (!code) throw notFound("join_code_not_found", "That code is not valid");
      // Joins of one organization are counted one after another against its seats.
      const lock = await lockOrganizationMemberships(tx, code.organizationId);
      const existing = await tx.membership.findUnique({
        where: { organizationId_userId: { organizationId: code.organizationId, userId: actor.userId } },
        select: { role: true },
      });
      const { active: _active, ...organization } = code.organization;
      if (existing)
        return {
          organizationId: code.organizationId,
          organization,
          role: existing.role,
          alreadyMember: true,
        };
      const status = statusOf(code);
      if (status !== "active") throw unusableError(status);
      if (!code.organization.active) {
        throw forbidden(
          "organization_inactive",
          "This organization is inactive; it cannot be joined until it is reactivated",
        );
      }
      await assertSeatAvailable(tx, lock, config, { email: actor.email });
      // Returns the code's role as it is now, under the lock: a role deleted meanwhile was reassigned here.
      const [counted] = await tx.joinCode.updateManyAndReturn({
        where: {
          id: code.id,
          revokedAt: null,
          OR: [{ maxUses: null }, { uses: { lt: tx.joinCode.fields.maxUses } }],
        },
        data: { uses: { increment: 1 } },
        select: { role: true },
      });
      if (!counted) {
        // The increment waited for a concurrent join to commit: if that join was this same user's
        // (and took the last use), they are a member now, not refused.
        const joinedMeanwhile = await tx.membership.findUnique({
          where: { organizationId_userId: { organizationId: code.organizationId, userId: actor.userId } },
          select: { role: true },
        });
        if (joinedMeanwhile)
          return {
            organizationId: code.organizationId,
            organization,
            role: joinedMeanwhile.role,
            alreadyMember: true,
          };
        const now = await tx.joinCode.findUnique({ where: { id: code.id }, select: joinCodeSelect });
        throw unusableError(now ? statusOf(now) : "revoked");
      }
      await tx.membership.create({
        data: { organizationId: code.organizationId, userId: actor.userId, role: counted.role },
        select: { id: true },
      });
      await tx.joinCodeRedemption.create({ data: { joinCodeId: code.id, userId: actor.userId }, select: { id: true } });
      await recordAudit(tx, {
        organizationId: code.organizationId,
        actor,
        action: "join_code.redeemed",
        target: { type: "join_code", id: code.id, label: code.codeHint },
        metadata: { role: counted.role },
      });
      return { organizationId: code.organizationId, organization, role: counted.role, alreadyMember: false };
    });
  } catch (error) {
    // The same user joining twice at once: the loser hits the membership unique key.
    if (!isUniqueViolation(error)) throw error;
    const membership = await db.membership.findFirst({
      where: { userId: actor.userId, organization: { joinCodes: { some: { codeHash } } } },
      select: { organizationId: true, role: true, organization: { select: { id: true, handle: true, name: true } } },
    });
    if (!membership) throw error;
    return {
      organizationId: membership.organizationId,
      organization: membership.organization,
      role: membership.role,
      alreadyMember: true,
    };
  }
}
