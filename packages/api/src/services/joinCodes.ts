import { Prisma, type Database, type DbClient } from "@tenancy/db/client";
import { isUniqueViolation } from "@tenancy/db/errors";

import type { ApiConfig } from "../config";
import type { Actor, UserActor } from "../domain/actor";
import { conflict, type DomainError, forbidden, invalid, notFound } from "../domain/errors";
import { uuidv7 } from "../domain/ids";
import { storedRole, type OrgRole } from "../domain/permissions";
import type { z } from "zod";

import type { JoinCodeDto, JoinCodeStatus, joinWithCodeOutput } from "../schemas/joinCodes";
import { assertOwnerRule, type OrganizationAccess } from "./access";
import { auditInsertFrom, recordAudit } from "./audit";
import { redeemAttempt, redeemBuckets } from "./rateLimit";
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
  return { ...rest, role: storedRole(row.role), hint: codeHint, status: statusOf(row) };
}

// 10 characters of Crockford base32 = 50 bits: short enough to type, and guessing is rate-limited.
const CODE_LENGTH = 10;

export async function createJoinCode(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
  input: { role: OrgRole; maxUses?: number | null; expiresAt?: Date | null },
): Promise<{ joinCode: JoinCodeDto; code: string }> {
  if (input.expiresAt && input.expiresAt <= new Date()) {
    throw invalid("invalid_input", "The expiry must be in the future", { field: "expiresAt" });
  }
  const raw = randomCode(CODE_LENGTH);
  const code = `${raw.slice(0, 5)}-${raw.slice(5)}`;
  const organizationId = access.organization.id;
  const joinCode = await db.$transaction(async (tx) => {
    await assertOwnerRule(tx, actor, access, { to: input.role });
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

interface JoinableRow extends JoinCodeRow {
  organizationActive: boolean;
  /** The user's role in the organization when they are a member already. */
  memberRole: string | null;
}

/** The same user joined through another request while this one waited: its use must not count. */
class JoinedMeanwhile extends Error {}

/**
 * The acting user joins with a code. A use is counted only for a new member, by a conditional
 * increment (uses < maxUses) that row-locks the code, so `maxUses: N` admits exactly N users
 * however many join at once. One attempt against the redeem limits, counted in the same
 * transaction (see redeemAttempt).
 */
export async function joinWithCode(
  db: Database,
  config: ApiConfig,
  actor: UserActor,
  ip: string | null,
  rawCode: string,
): Promise<JoinResult> {
  const codeHash = sha256Hex(normalizeCode(rawCode));
  try {
    return await redeemAttempt(db, redeemBuckets(config, actor.userId, ip), async (tx) => {
      // The code, its organization's state and the user's membership there: one statement.
      const [code] = await tx.$queryRaw<JoinableRow[]>`
        SELECT c."id", c."organizationId", c."role", c."codeHint", c."maxUses", c."uses", c."expiresAt",
               c."revokedAt", c."createdAt", o."active" AS "organizationActive", m."role" AS "memberRole"
        FROM "join_code" c JOIN "organization" o ON o."id" = c."organizationId"
        LEFT JOIN "membership" m ON m."organizationId" = c."organizationId" AND m."userId" = ${actor.userId}
        WHERE c."codeHash" = ${codeHash}`;
      if (!code) throw notFound("join_code_not_found", "That code is not valid");
      const organizationId = code.organizationId;
      if (code.memberRole !== null) return { organizationId, role: storedRole(code.memberRole), alreadyMember: true };
      const status = statusOf(code);
      if (status !== "active") throw unusableError(status);
      if (!code.organizationActive) {
        throw forbidden(
          "organization_inactive",
          "This organization is inactive; it cannot be joined until it is reactivated",
        );
      }
      const now = new Date();
      // One statement for the whole change: the use is counted only if one is left, and then the
      // membership, the redemption and the audit event are written.
      const [result] = await tx.$queryRaw<{ counted: bigint; joined: bigint }[]>`
        WITH counted AS (
          UPDATE "join_code" SET "uses" = "uses" + 1
          WHERE "id" = ${code.id} AND "revokedAt" IS NULL AND ("maxUses" IS NULL OR "uses" < "maxUses")
          RETURNING "id"
        ),
        joined AS (
          INSERT INTO "membership" ("id", "organizationId", "userId", "role", "createdAt", "updatedAt")
          SELECT ${uuidv7()}::text, ${organizationId}::text, ${actor.userId}::text, ${code.role}::text,
                 ${now}::timestamp(3), ${now}::timestamp(3)
          FROM counted
          ON CONFLICT ("organizationId", "userId") DO NOTHING RETURNING "id"
        ),
        redeemed AS (
          INSERT INTO "join_code_redemption" ("id", "joinCodeId", "userId", "createdAt")
          SELECT ${uuidv7()}::text, ${code.id}::text, ${actor.userId}::text, ${now}::timestamp(3) FROM joined
        ),
        audited AS (
          ${auditInsertFrom(
            Prisma.sql`joined`,
            {
              organizationId,
              actor,
              action: "join_code.redeemed",
              target: { type: "join_code", id: code.id, label: code.codeHint },
              metadata: { role: code.role },
            },
            now,
          )}
        )
        SELECT (SELECT count(*) FROM counted) AS "counted", (SELECT count(*) FROM joined) AS "joined"`;
      if (Number(result?.counted) === 0) {
        // The increment waited for a concurrent join to commit: if that join was this same user's
        // (and took the last use), they are a member now, not refused.
        const joinedMeanwhile = await tx.membership.findUnique({
          where: { organizationId_userId: { organizationId, userId: actor.userId } },
          select: { role: true },
        });
        if (joinedMeanwhile) return { organizationId, role: storedRole(joinedMeanwhile.role), alreadyMember: true };
        const current = await tx.joinCode.findUnique({ where: { id: code.id }, select: joinCodeSelect });
        throw unusableError(current ? statusOf(current) : "revoked");
      }
      if (Number(result?.joined) === 0) throw new JoinedMeanwhile();
      return { organizationId, role: storedRole(code.role), alreadyMember: false };
    });
  } catch (error) {
    // The same user joining twice at once: the loser finds the winner's membership (its use rolled back).
    if (!isUniqueViolation(error) && !(error instanceof JoinedMeanwhile)) throw error;
    const membership = await db.membership.findFirst({
      where: { userId: actor.userId, organization: { joinCodes: { some: { codeHash } } } },
      select: { organizationId: true, role: true },
    });
    if (!membership) throw error;
    return { organizationId: membership.organizationId, role: storedRole(membership.role), alreadyMember: true };
  }
}
