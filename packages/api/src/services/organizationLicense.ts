import type { Database, DbClient } from "@tenancy/db/client";
import { isUniqueViolation } from "@tenancy/db/errors";

import type { ApiConfig } from "../config";
import type { Actor } from "../domain/actor";
import { conflict, forbidden, notFound } from "../domain/errors";
import { entitlementsOf, LICENSING_PERMISSIONS, licenseStatus, type Entitlements } from "../domain/licensing";
import type { OrganizationLicenseDto } from "../schemas/licensing";
import type { OrganizationAccess } from "./access";
import { recordAudit } from "./audit";
import { activeDeploymentsWhere } from "./deploymentRows";
import { authenticLicenseClaims, licenseKeyOf, licenseKeySelect } from "./licenseKeys";
import { lockOrganizationMemberships } from "./locks";
import { readSeatUsage } from "./seats";

const assignedLicenseSelect = {
  assignedAt: true,
  license: { select: { ...licenseKeySelect, revokedAt: true } },
} as const;

/** May this caller see the key and change the assignment? Owners (manageLicense) and platform operators. */
function managesLicense(access: OrganizationAccess): boolean {
  return access.operator || access.permissions.includes(LICENSING_PERMISSIONS.manageLicense);
}

/** The plan in force for an organization right now (its license's while active, else free). */
export async function organizationEntitlements(
  db: DbClient,
  config: ApiConfig,
  organizationId: string,
): Promise<{ entitlements: Entitlements; licenseId: string | null }> {
  const assignment = await db.licenseAssignment.findUnique({
    where: { organizationId },
    select: { license: { select: { ...licenseKeySelect, revokedAt: true } } },
  });
  return {
    entitlements: entitlementsOf(assignment?.license ?? null, config.licensing.freePlan),
    licenseId: assignment?.license.id ?? null,
  };
}

/** The organization's plan, limits and usage (seats, deployments), and its license if it has one. */
export async function getOrganizationLicense(
  db: DbClient,
  config: ApiConfig,
  access: OrganizationAccess,
): Promise<OrganizationLicenseDto> {
  const organizationId = access.organization.id;
  const now = new Date();
  const [usage, assignment] = await Promise.all([
    readSeatUsage(db, config, organizationId),
    db.licenseAssignment.findUnique({ where: { organizationId }, select: assignedLicenseSelect }),
  ]);
  const activeDeployments = assignment
    ? await db.deployment.count({
        where: { licenseId: assignment.license.id, ...activeDeploymentsWhere(config, now) },
      })
    : 0;
  const { plan, limits } = usage.entitlements;
  const license = assignment?.license;
  return {
    plan,
    limits,
    seats: {
      members: usage.members,
      reserved: usage.reserved,
      limit: limits.seats,
      available: limits.seats === null ? null : Math.max(0, limits.seats - usage.members - usage.reserved),
    },
    deployments: { active: activeDeployments, limit: limits.deployments },
    license:
      license && assignment
        ? {
            id: license.id,
            plan: { key: license.planKey, name: license.planName },
            limits: { seats: license.seatLimit, deployments: license.deploymentLimit, features: license.features },
            customer: license.customer,
            validFrom: license.validFrom,
            expiresAt: license.expiresAt,
            status: licenseStatus(license, now),
            assignedAt: assignment.assignedAt,
            key: managesLicense(access) ? licenseKeyOf(config, license) : null,
          }
        : null,
  };
}

const licenseNotFound = () => notFound("license_not_found", "No license with that id");

/**
 * Assigns a license, replacing the organization's current one. By id: platform operators. By key:
 * an owner redeeming a key they bought (possession of the signed key is the proof), or an operator.
 * A license already on another organization is refused (409 license_in_use): release it there first.
 */
export async function assignLicense(
  db: Database,
  config: ApiConfig,
  actor: Actor,
  access: OrganizationAccess,
  input: { licenseId?: string; licenseKey?: string },
): Promise<OrganizationLicenseDto> {
  let licenseId: string;
  if (input.licenseKey !== undefined) {
    if (!managesLicense(access)) throw forbidden("permission_denied", "Only an owner can redeem a license key");
    licenseId = authenticLicenseClaims(config, input.licenseKey).licenseId;
  } else {
    if (!access.operator) {
      throw forbidden(
        "operator_required",
        "Only a platform operator can assign a license by id; owners redeem a license key instead",
      );
    }
    licenseId = (input.licenseId ?? "").toLowerCase();
  }
  const organizationId = access.organization.id;
  try {
    await db.$transaction(async (tx) => {
      // Seat checks read the license under this lock: a change of plan is ordered with them.
      await lockOrganizationMemberships(tx, organizationId);
      const license = await tx.license.findUnique({
        where: { id: licenseId },
        select: { ...licenseKeySelect, revokedAt: true, assignment: { select: { organizationId: true } } },
      });
      if (!license) throw licenseNotFound();
      const status = licenseStatus(license);
      if (status === "revoked") throw conflict("license_revoked", "This license was revoked");
      if (status === "expired") {
        throw conflict("license_expired", `This license expired on ${license.expiresAt!.toISOString().slice(0, 10)}`);
      }
      if (license.assignment?.organizationId === organizationId) return;
      if (license.assignment) {
        throw conflict("license_in_use", "This license is assigned to another organization; release it there first");
      }
      const current = await tx.licenseAssignment.findUnique({
        where: { organizationId },
        select: { license: { select: { id: true, customer: true, planKey: true } } },
      });
      if (current) {
        await tx.licenseAssignment.delete({ where: { organizationId }, select: { organizationId: true } });
        await recordAudit(tx, {
          organizationId,
          actor,
          action: "license.unassigned",
          target: { type: "license", id: current.license.id, label: current.license.customer },
          metadata: { plan: current.license.planKey, replacedBy: license.id },
        });
      }
      await tx.licenseAssignment.create({
        data: { organizationId, licenseId: license.id },
        select: { licenseId: true },
      });
      await recordAudit(tx, {
        organizationId,
        actor,
        action: "license.assigned",
        target: { type: "license", id: license.id, label: license.customer },
        metadata: {
          plan: license.planKey,
          via: input.licenseKey !== undefined ? "key" : "operator",
          replaced: current?.license.id ?? null,
        },
      });
    });
  } catch (error) {
    // Assigned to another organization at the same moment: one organization per license.
    if (isUniqueViolation(error)) {
      throw conflict("license_in_use", "This license is assigned to another organization; release it there first");
    }
    throw error;
  }
  return getOrganizationLicense(db, config, access);
}

/** Back to the free plan. Idempotent. Existing members stay; new seats follow the free limits. */
export async function unassignLicense(
  db: Database,
  config: ApiConfig,
  actor: Actor,
  access: OrganizationAccess,
): Promise<OrganizationLicenseDto> {
  const organizationId = access.organization.id;
  await db.$transaction(async (tx) => {
    await lockOrganizationMemberships(tx, organizationId);
    const current = await tx.licenseAssignment.findUnique({
      where: { organizationId },
      select: { license: { select: { id: true, customer: true, planKey: true } } },
    });
    if (!current) return;
    await tx.licenseAssignment.delete({ where: { organizationId }, select: { organizationId: true } });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "license.unassigned",
      target: { type: "license", id: current.license.id, label: current.license.customer },
      metadata: { plan: current.license.planKey },
    });
  });
  return getOrganizationLicense(db, config, access);
}
