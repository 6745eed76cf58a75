import type { Database, DbClient, Prisma } from "@tenancy/db/client";

import type { ApiConfig } from "../config";
import type { Actor } from "../domain/actor";
import { conflict, invalid, notFound } from "../domain/errors";
import { looksLikeId } from "../domain/handles";
import { licenseStatus, type LicenseStatus } from "../domain/licensing";
import type { AuditEventDto } from "../schemas/audit";
import type { DeploymentDto, LicenseDto } from "../schemas/licensing";
import { auditEventSelect, recordAudit, toAuditEventDto } from "./audit";
import { activeDeploymentsWhere, deploymentSelect, toDeploymentDto } from "./deploymentRows";
import { licenseKeyOf, licenseKeySelect } from "./licenseKeys";

// Operators' side of licensing: issuing, listing, revoking licenses (the catalogue is in plans.ts).

export const licenseSelect = {
  ...licenseKeySelect,
  keyId: true,
  revokedAt: true,
  assignment: { select: { assignedAt: true, organization: { select: { id: true, handle: true, name: true } } } },
} as const;

export type LicenseRow = Prisma.LicenseGetPayload<{ select: typeof licenseSelect }>;

export function toLicenseDto(row: LicenseRow, activeDeployments: number, now = new Date()): LicenseDto {
  return {
    id: row.id,
    plan: { key: row.planKey, name: row.planName },
    limits: { seats: row.seatLimit, deployments: row.deploymentLimit, features: row.features },
    customer: row.customer,
    validFrom: row.validFrom,
    expiresAt: row.expiresAt,
    status: licenseStatus(row, now),
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
    keyId: row.keyId,
    organization: row.assignment?.organization ?? null,
    assignedAt: row.assignment?.assignedAt ?? null,
    activeDeployments,
  };
}

/** Active deployments per license, in one query. */
async function activeDeploymentCounts(
  db: DbClient,
  config: ApiConfig,
  licenseIds: string[],
  now: Date,
): Promise<Map<string, number>> {
  if (licenseIds.length === 0) return new Map();
  const groups = await db.deployment.groupBy({
    by: ["licenseId"],
    where: { licenseId: { in: licenseIds }, ...activeDeploymentsWhere(config, now) },
    _count: { _all: true },
  });
  return new Map(groups.map((group) => [group.licenseId, group._count._all]));
}

export async function createLicense(
  db: Database,
  config: ApiConfig,
  actor: Actor,
  input: {
    planKey: string;
    customer: string;
    seats?: number | null;
    deployments?: number | null;
    features?: string[];
    validFrom?: Date;
    expiresAt?: Date | null;
  },
): Promise<{ license: LicenseDto; key: string }> {
  const validFrom = input.validFrom ?? new Date();
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt && expiresAt <= validFrom) {
    throw invalid("invalid_input", "The expiry must be after the start", { field: "expiresAt" });
  }
  const row = await db.$transaction(async (tx) => {
    const plan = await tx.plan.findUnique({
      where: { key: input.planKey },
      select: { key: true, name: true, seatLimit: true, deploymentLimit: true, features: true, archivedAt: true },
    });
    if (!plan) throw notFound("plan_not_found", `No plan with the key "${input.planKey}"`);
    if (plan.archivedAt)
      throw conflict("plan_archived", `The plan "${plan.name}" is archived: it is not offered any more`);
    const created = await tx.license.create({
      data: {
        planKey: plan.key,
        planName: plan.name,
        seatLimit: input.seats === undefined ? plan.seatLimit : input.seats,
        deploymentLimit: input.deployments === undefined ? plan.deploymentLimit : input.deployments,
        features: input.features ?? plan.features,
        customer: input.customer,
        validFrom,
        expiresAt,
        keyId: config.licensing.signingKeys.current.keyId,
        createdById: actor.type === "user" ? actor.userId : null,
      },
      select: licenseSelect,
    });
    await recordAudit(tx, {
      organizationId: null,
      actor,
      action: "license.issued",
      target: { type: "license", id: created.id, label: created.customer },
      metadata: {
        plan: created.planKey,
        seats: created.seatLimit,
        deployments: created.deploymentLimit,
        expiresAt: created.expiresAt?.toISOString() ?? null,
      },
    });
    return created;
  });
  return { license: toLicenseDto(row, 0), key: licenseKeyOf(config, row) };
}

function statusWhere(status: LicenseStatus, now: Date): Prisma.LicenseWhereInput {
  const notExpired = { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
  switch (status) {
    case "revoked":
      return { revokedAt: { not: null } };
    case "expired":
      return { revokedAt: null, expiresAt: { lte: now } };
    case "scheduled":
      return { revokedAt: null, validFrom: { gt: now }, ...notExpired };
    default:
      return { revokedAt: null, validFrom: { lte: now }, ...notExpired };
  }
}

/** Newest first, keyset-paginated; each with its key, the organization holding it and its active deployments. */
export async function listLicenses(
  db: DbClient,
  config: ApiConfig,
  input: { cursor?: string; limit?: number; search?: string; status?: LicenseStatus },
): Promise<{ licenses: (LicenseDto & { key: string })[]; nextCursor: string | null }> {
  if (input.cursor !== undefined && !looksLikeId(input.cursor)) {
    throw invalid("invalid_input", "Invalid cursor", { field: "cursor" });
  }
  const now = new Date();
  const take = input.limit ?? 50;
  const search = input.search?.trim();
  const where: Prisma.LicenseWhereInput = {
    AND: [
      input.status ? statusWhere(input.status, now) : {},
      search
        ? {
            OR: [
              { customer: { contains: search.replace(/[\\%_]/g, "\\$&"), mode: "insensitive" } },
              ...(looksLikeId(search) ? [{ id: search.toLowerCase() }] : []),
            ],
          }
        : {},
      input.cursor ? { id: { lt: input.cursor.toLowerCase() } } : {},
    ],
  };
  const rows = await db.license.findMany({ where, orderBy: { id: "desc" }, take: take + 1, select: licenseSelect });
  const page = rows.slice(0, take);
  const counts = await activeDeploymentCounts(
    db,
    config,
    page.map((row) => row.id),
    now,
  );
  return {
    licenses: page.map((row) => ({
      ...toLicenseDto(row, counts.get(row.id) ?? 0, now),
      key: licenseKeyOf(config, row),
    })),
    nextCursor: rows.length > take ? (page.at(-1)?.id ?? null) : null,
  };
}

const licenseNotFound = () => notFound("license_not_found", "No license with that id");

export async function getLicense(
  db: DbClient,
  config: ApiConfig,
  id: string,
): Promise<{ license: LicenseDto; key: string; deployments: DeploymentDto[]; events: AuditEventDto[] }> {
  if (!looksLikeId(id)) throw licenseNotFound();
  const row = await db.license.findUnique({ where: { id: id.toLowerCase() }, select: licenseSelect });
  if (!row) throw licenseNotFound();
  const now = new Date();
  const [deployments, events] = await Promise.all([
    db.deployment.findMany({
      where: { licenseId: row.id },
      orderBy: { activatedAt: "desc" },
      select: deploymentSelect,
    }),
    db.auditEvent.findMany({
      where: { targetType: "license", targetId: row.id },
      orderBy: { id: "desc" },
      take: 100,
      select: auditEventSelect,
    }),
  ]);
  const dtos = deployments.map((d) => toDeploymentDto(config, d, now));
  return {
    license: toLicenseDto(row, dtos.filter((d) => d.status === "active").length, now),
    key: licenseKeyOf(config, row),
    deployments: dtos,
    events: events.map(toAuditEventDto),
  };
}

/**
 * Revoked at once: the organization holding it falls back to the free plan, its deployments' next
 * heartbeat says so, and the key is refused for new activations and redemptions. (A deployment that
 * verifies offline only learns of it when it calls home.) Revoking twice is a no-op.
 */
export async function revokeLicense(
  db: Database,
  config: ApiConfig,
  actor: Actor,
  id: string,
): Promise<{ ok: true; license: LicenseDto }> {
  if (!looksLikeId(id)) throw licenseNotFound();
  const row = await db.$transaction(async (tx) => {
    const existing = await tx.license.findUnique({ where: { id: id.toLowerCase() }, select: licenseSelect });
    if (!existing) throw licenseNotFound();
    if (existing.revokedAt) return existing;
    const revoked = await tx.license.update({
      where: { id: existing.id },
      data: { revokedAt: new Date() },
      select: licenseSelect,
    });
    await recordAudit(tx, {
      // In the holding organization's log when it has one (it loses its plan), else the operators' trail.
      organizationId: existing.assignment?.organization.id ?? null,
      actor,
      action: "license.revoked",
      target: { type: "license", id: existing.id, label: existing.customer },
      metadata: { plan: existing.planKey },
    });
    return revoked;
  });
  const counts = await activeDeploymentCounts(db, config, [row.id], new Date());
  return { ok: true, license: toLicenseDto(row, counts.get(row.id) ?? 0) };
}
