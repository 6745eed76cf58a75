import type { Database, DbClient } from "@tenancy/db/client";

import type { Actor } from "../domain/actor";
import { conflict, type DomainError, invalid, notFound } from "../domain/errors";
import type { JoinCodeDto, JoinCodeStatus } from "../schemas/joinCodes";
import { assertOwnerRule, type OrganizationAccess } from "./access";
import { recordAudit } from "./audit";
import { assertRoleGrantable } from "./roleGrants";
import { normalizeCode, randomCode, sha256Hex } from "./secrets";

export const joinCodeSelect = {
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

export type JoinCodeRow = {
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

export function statusOf(
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

export function unusableError(status: JoinCodeStatus): DomainError {
  switch (status) {
    case "revoked":
      return conflict("join_code_revoked", "This code was revoked");
    case "expired":
      return conflict("join_code_expired", "This code has expired");
    default:
      return conflict("join_code_exhausted", "This code has been used the maximum number of times");
  }
}
