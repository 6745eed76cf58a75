import { Prisma, type Database, type DbClient } from "@tenancy/db/client";
import { isUniqueViolation } from "@tenancy/db/errors";

import type { ApiConfig } from "../config";
import type { Actor, UserActor } from "../domain/actor";
import { conflict, type DomainError, forbidden, invalid, notFound } from "../domain/errors";
import { uuidv7 } from "../domain/ids";
import type { z } from "zod";

import type { JoinCodeDto, JoinCodeStatus, joinWithCodeOutput } from "../schemas/joinCodes";
import { assertOwnerRule, type OrganizationAccess } from "./access";
import { auditInsertFrom, recordAudit } from "./audit";
import { lockTakenBy, membershipLockCte } from "./locks";
import { redeemBuckets, redeemInTransaction } from "./rateLimit";
import { roleNameIn } from "./customRoles";
import { assertRoleGrantable } from "./roleGrants";
import { checkSeat } from "./seats";
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

/** The code as the join's first statement found it (its snapshot). */
interface FoundCode {
  id: string | null;
  organizationId: string | null;
  role: string | null;
  codeHint: string | null;
  maxUses: number | null;
  uses: number | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date | null;
  organizationActive: boolean | null;
  organizationHandle: string | null;
  organizationName: string | null;
}

const inactiveOrganization = () =>
  forbidden("organization_inactive", "This organization is inactive; it cannot be joined until it is reactivated");

/**
 * The acting user joins with a code. A use is counted only for a new member, by a conditional
 * increment (uses < maxUses) that row-locks the code, so `maxUses: N` admits exactly N users
 * however many join at once. One transaction, one commit (redeemInTransaction), three statements:
 * the attempt counted with the code found and the organization's membership lock taken; then, under
 * the lock, the seat check with the user's membership (seats.ts: read after the lock was granted, so
 * concurrent joins are counted one after another); then the use counted, the membership, the
 * redemption and the audit event in one statement.
 */
export async function joinWithCode(
  db: Database,
  config: ApiConfig,
  actor: UserActor,
  ip: string | null,
  rawCode: string,
): Promise<JoinResult> {
  const joined = await joinOnce(db, config, actor, ip, rawCode);
  // After the commit: a custom role's name is one statement, a built-in role's none.
  return { ...joined, roleName: await roleNameIn(db, joined.organizationId, joined.role) };
}

async function joinOnce(
  db: Database,
  config: ApiConfig,
  actor: UserActor,
  ip: string | null,
  rawCode: string,
): Promise<Omit<JoinResult, "roleName">> {
  const codeHash = sha256Hex(normalizeCode(rawCode));
  try {
    return await redeemInTransaction<FoundCode, Omit<JoinResult, "roleName">>(
      db,
      redeemBuckets(config, actor.userId, ip),
      (tx, limits) => tx.$queryRaw`
        WITH ${limits.cte},
        found AS (
          SELECT c."id", c."organizationId", c."role", c."codeHint", c."maxUses", c."uses", c."expiresAt",
                 c."revokedAt", c."createdAt", o."active" AS "organizationActive",
                 o."handle" AS "organizationHandle", o."name" AS "organizationName"
          FROM "join_code" c JOIN "organization" o ON o."id" = c."organizationId"
          WHERE c."codeHash" = ${codeHash}
        ),
        ${membershipLockCte(Prisma.sql`(SELECT f."organizationId" FROM found f)`)}
        SELECT f.*, (SELECT count(*) FROM membership_lock)::int AS "locked", ${limits.columns}
        FROM limited l LEFT JOIN found f ON TRUE`,
      async (tx, found) => {
        if (!found?.id) throw notFound("join_code_not_found", "That code is not valid");
        const code = found as FoundCode & JoinCodeRow & { organizationHandle: string; organizationName: string };
        const organization = { id: code.organizationId, handle: code.organizationHandle, name: code.organizationName };
        // Joins of one organization are counted one after another against its seats.
        const lock = lockTakenBy(tx, code.organizationId);
        // The user's membership and the seats, in one statement read under the lock (see seats.ts).
        const seat = await checkSeat(tx, lock, config, { email: actor.email, userId: actor.userId });
        if (seat.memberRole !== null) {
          return {
            organizationId: code.organizationId,
            organization,
            role: seat.memberRole,
            alreadyMember: true,
          };
        }
        const status = statusOf(code);
        if (status !== "active") throw unusableError(status);
        if (!code.organizationActive) throw inactiveOrganization();
        seat.assertAvailable();
        const now = new Date();
        const audit = auditInsertFrom(
          Prisma.sql`counted c`,
          {
            organizationId: code.organizationId,
            actor,
            action: "join_code.redeemed",
            target: { type: "join_code", id: code.id, label: code.codeHint },
            // The role as the increment returned it (see below).
            metadata: Prisma.sql`jsonb_build_object('role', c."role")`,
          },
          now,
        );
        // The increment returns the code's role as it is now, under the lock: a custom role deleted
        // meanwhile had this code reassigned, and the member gets the role it was reassigned to.
        const [joined] = await tx.$queryRaw<{ role: string }[]>`
          WITH counted AS (
            UPDATE "join_code" SET "uses" = "uses" + 1
            WHERE "id" = ${code.id} AND "revokedAt" IS NULL AND ("maxUses" IS NULL OR "uses" < "maxUses")
            RETURNING "id", "role"
          ),
          joined AS (
            INSERT INTO "membership" ("id", "organizationId", "userId", "role", "createdAt", "updatedAt")
            SELECT ${uuidv7()}::text, ${code.organizationId}::text, ${actor.userId}::text, c."role",
              ${now}::timestamp(3), ${now}::timestamp(3)
            FROM counted c
          ),
          redeemed AS (
            INSERT INTO "join_code_redemption" ("id", "joinCodeId", "userId", "createdAt")
            SELECT ${uuidv7()}::text, c."id", ${actor.userId}::text, ${now}::timestamp(3) FROM counted c
          ),
          audited AS (${audit})
          SELECT c."role" FROM counted c`;
        if (joined) {
          return {
            organizationId: code.organizationId,
            organization,
            role: joined.role,
            alreadyMember: false,
          };
        }
        // A concurrent join took the last use, or the code was revoked meanwhile.
        const current = await tx.joinCode.findUnique({ where: { id: code.id }, select: joinCodeSelect });
        throw unusableError(current ? statusOf(current) : "revoked");
      },
    );
  } catch (error) {
    // Safety net (joins of one organization are serialized by the lock, so the membership read
    // above sees a concurrent join of the same user): a unique violation means they are a member.
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
