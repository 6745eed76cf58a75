import type { Database, DbClient, TransactionClient } from "@tenancy/db/client";

import type { ApiConfig } from "../config";
import type { Actor, AuditActor } from "../domain/actor";
import { conflict, DomainError, notFound, paymentRequired } from "../domain/errors";
import { deploymentStatus, entitlementsOf, licenseStatus, type Entitlements } from "../domain/licensing";
import type { DeploymentDto, LicenseCheckDto } from "../schemas/licensing";
import type { OrganizationAccess } from "./access";
import { recordAudit } from "./audit";
import { activeDeploymentsWhere, deploymentSelect, toDeploymentDto } from "./deploymentRows";
import { authenticLicenseClaims, licenseKeySelect } from "./licenseKeys";
import { organizationEntitlements } from "./organizationLicense";
import { randomUrlToken, sha256Hex } from "./secrets";

const licenseTermsSelect = {
  ...licenseKeySelect,
  revokedAt: true,
  assignment: { select: { organizationId: true } },
} as const;

/** Proof that the transaction holds a license's activation lock (see assertDeploymentSlotAvailable). */
export interface LicenseLock {
  readonly licenseId: string;
  readonly __held: unique symbol;
}

/** Serializes activations of one license for the rest of the transaction (like the membership lock). */
async function lockLicense(tx: TransactionClient, licenseId: string): Promise<LicenseLock | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "license" WHERE "id" = ${licenseId} FOR NO KEY UPDATE`;
  return rows.length > 0 ? ({ licenseId } as LicenseLock) : null;
}

/**
 * The deployment limit, for activating a deployment and for bringing back one that went silent.
 * Call it holding the license's lock, so concurrent activations are counted one after another: a
 * license for N deployments never has N + 1 active. Refuses with 402 `deployment_limit_reached`.
 */
export async function assertDeploymentSlotAvailable(
  tx: TransactionClient,
  lock: LicenseLock,
  config: ApiConfig,
  entitlements: Entitlements,
  now: Date,
): Promise<void> {
  const limit = entitlements.limits.deployments;
  if (limit === null) return;
  const active = await tx.deployment.count({
    where: { licenseId: lock.licenseId, ...activeDeploymentsWhere(config, now) },
  });
  if (active + 1 <= limit) return;
  const onFree = entitlements.plan.builtIn;
  throw paymentRequired(
    "deployment_limit_reached",
    onFree
      ? `This license is not active (${entitlements.licenseStatus}); the ${entitlements.plan.name} plan allows ${limit} deployment${limit === 1 ? "" : "s"}.`
      : `All ${limit} deployment${limit === 1 ? "" : "s"} of this license are active. Deactivate one in the console, or upgrade the license.`,
    { limit, active, plan: entitlements.plan.key },
  );
}

function licenseCheck(
  license: { id: string; expiresAt: Date | null; validFrom: Date; revokedAt: Date | null },
  entitlements: Entitlements,
  now: Date,
): LicenseCheckDto {
  return {
    id: license.id,
    status: licenseStatus(license, now),
    plan: entitlements.plan,
    limits: entitlements.limits,
    expiresAt: license.expiresAt,
  };
}

const DEPLOYMENT_TOKEN_PREFIX = "tnc_dep_";

/**
 * A deployment of the customer's product activates with its license key (the credential; no
 * session). The same fingerprint again is the same deployment: it gets a new token (the previous one
 * stops working) and, if it was deactivated or had gone silent, needs a free slot again. While the
 * license is expired or not yet valid, the free plan's deployment limit applies; a revoked license
 * is refused. Rate-limited per IP by the procedure.
 */
export async function activateDeployment(
  db: Database,
  config: ApiConfig,
  input: { licenseKey: string; name: string; fingerprint: string; version?: string | null; url?: string | null },
): Promise<{ deployment: DeploymentDto; token: string; license: LicenseCheckDto }> {
  const claims = authenticLicenseClaims(config, input.licenseKey);
  const token = `${DEPLOYMENT_TOKEN_PREFIX}${randomUrlToken(32)}`;
  return db.$transaction(async (tx) => {
    const lock = await lockLicense(tx, claims.licenseId);
    if (!lock) throw notFound("license_not_found", "This license no longer exists on this server");
    const license = await tx.license.findUniqueOrThrow({ where: { id: lock.licenseId }, select: licenseTermsSelect });
    if (license.revokedAt) throw conflict("license_revoked", "This license was revoked");
    const now = new Date();
    const entitlements = entitlementsOf(license, config.licensing.freePlan, now);
    const existing = await tx.deployment.findUnique({
      where: { licenseId_fingerprint: { licenseId: license.id, fingerprint: input.fingerprint } },
      select: deploymentSelect,
    });
    const previously = existing
      ? deploymentStatus(existing, config.licensing.deploymentSilenceSeconds, now)
      : ("new" as const);
    if (previously !== "active") await assertDeploymentSlotAvailable(tx, lock, config, entitlements, now);
    const fields = {
      name: input.name,
      version: input.version ?? null,
      url: input.url ?? null,
      tokenHash: sha256Hex(token),
      lastSeenAt: now,
    };
    const row = existing
      ? await tx.deployment.update({
          where: { id: existing.id },
          data: { ...fields, deactivatedAt: null },
          select: deploymentSelect,
        })
      : await tx.deployment.create({
          data: { ...fields, licenseId: license.id, fingerprint: input.fingerprint, activatedAt: now },
          select: deploymentSelect,
        });
    const actor: AuditActor = { type: "deployment", deploymentId: row.id, label: row.name };
    await recordAudit(tx, {
      organizationId: license.assignment?.organizationId ?? null,
      actor,
      action: "deployment.activated",
      target: { type: "deployment", id: row.id, label: row.name },
      metadata: { licenseId: license.id, fingerprint: row.fingerprint, version: row.version, previously },
    });
    return {
      deployment: toDeploymentDto(config, row, now),
      token,
      license: licenseCheck(license, entitlements, now),
    };
  });
}

const tokenInvalid = () =>
  new DomainError("unauthenticated", "deployment_token_invalid", "This deployment token is not valid: activate again");

/**
 * A deployment reports in with its token: records lastSeenAt (and version) and answers where its
 * license stands, so a deployment that calls home learns of a revocation or an expiry. One that had
 * gone silent (inactive) needs a free slot to come back; a deactivated one is refused.
 */
export async function recordHeartbeat(
  db: Database,
  config: ApiConfig,
  input: { token: string; version?: string | null },
): Promise<{ deployment: DeploymentDto; license: LicenseCheckDto }> {
  if (!input.token.startsWith(DEPLOYMENT_TOKEN_PREFIX)) throw tokenInvalid();
  const tokenHash = sha256Hex(input.token);
  const found = await db.deployment.findUnique({
    where: { tokenHash },
    select: { ...deploymentSelect, licenseId: true },
  });
  if (!found) throw tokenInvalid();
  if (found.deactivatedAt) {
    throw conflict("deployment_deactivated", "This deployment was deactivated by an administrator of the organization");
  }
  const data = { lastSeenAt: new Date(), ...(input.version !== undefined ? { version: input.version } : {}) };
  return db.$transaction(async (tx) => {
    const now = new Date();
    let license = await tx.license.findUniqueOrThrow({ where: { id: found.licenseId }, select: licenseTermsSelect });
    let entitlements = entitlementsOf(license, config.licensing.freePlan, now);
    if (deploymentStatus(found, config.licensing.deploymentSilenceSeconds, now) === "inactive") {
      // Coming back after a silence takes a slot again: counted like an activation, under the license lock.
      const lock = (await lockLicense(tx, found.licenseId))!;
      license = await tx.license.findUniqueOrThrow({ where: { id: lock.licenseId }, select: licenseTermsSelect });
      entitlements = entitlementsOf(license, config.licensing.freePlan, now);
      const current = await tx.deployment.findUnique({ where: { id: found.id }, select: deploymentSelect });
      if (!current || current.deactivatedAt) throw tokenInvalid();
      if (deploymentStatus(current, config.licensing.deploymentSilenceSeconds, now) !== "active") {
        await assertDeploymentSlotAvailable(tx, lock, config, entitlements, now);
      }
    }
    // The token must still be this deployment's: a concurrent re-activation replaces it.
    const updated = await tx.deployment.updateMany({ where: { id: found.id, tokenHash, deactivatedAt: null }, data });
    if (updated.count === 0) throw tokenInvalid();
    const row = await tx.deployment.findUniqueOrThrow({ where: { id: found.id }, select: deploymentSelect });
    return { deployment: toDeploymentDto(config, row, now), license: licenseCheck(license, entitlements, now) };
  });
}

/** The deployments of the organization's license (none without one), newest first. */
export async function listOrganizationDeployments(
  db: DbClient,
  config: ApiConfig,
  access: OrganizationAccess,
): Promise<{ deployments: DeploymentDto[]; active: number; limit: number | null }> {
  const { entitlements, licenseId } = await organizationEntitlements(db, config, access.organization.id);
  const now = new Date();
  const rows = licenseId
    ? await db.deployment.findMany({ where: { licenseId }, orderBy: { activatedAt: "desc" }, select: deploymentSelect })
    : [];
  const deployments = rows.map((row) => toDeploymentDto(config, row, now));
  return {
    deployments,
    active: deployments.filter((d) => d.status === "active").length,
    limit: entitlements.limits.deployments,
  };
}

/**
 * Frees the deployment's slot at once: its token stops working. The installation can activate again
 * with the license key while a slot is free (the key is the credential: replace the license if it
 * leaked). Deactivating twice is a no-op.
 */
export async function deactivateDeployment(
  db: Database,
  config: ApiConfig,
  actor: Actor,
  access: OrganizationAccess,
  id: string,
): Promise<{ ok: true; deployment: DeploymentDto }> {
  const organizationId = access.organization.id;
  const row = await db.$transaction(async (tx) => {
    const deployment = await tx.deployment.findFirst({
      where: { id, license: { assignment: { organizationId } } },
      select: { ...deploymentSelect, licenseId: true },
    });
    if (!deployment) throw notFound("deployment_not_found", "No such deployment on this organization's license");
    const { licenseId, ...current } = deployment;
    if (current.deactivatedAt) return current;
    const updated = await tx.deployment.update({
      where: { id: deployment.id },
      data: { deactivatedAt: new Date() },
      select: deploymentSelect,
    });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "deployment.deactivated",
      target: { type: "deployment", id: deployment.id, label: deployment.name },
      metadata: { licenseId, fingerprint: deployment.fingerprint },
    });
    return updated;
  });
  return { ok: true, deployment: toDeploymentDto(config, row) };
}
