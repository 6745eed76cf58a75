// Licensing rules that need no database: who may do what, and what a license entitles an
// organization to at a given moment. Client-safe: the console uses the same words and rules.
import type { Permission } from "./permissions";

/** The permission each licensing action needs in the organization, in one place. */
export const LICENSING_PERMISSIONS = {
  /** license.get, deployments.list */
  view: "license:view",
  /** Redeeming a key, unassigning, seeing the key (owners among the built-in roles). */
  manageLicense: "license:manage",
  /** deployments.deactivate */
  manageDeployments: "deployments:manage",
} as const satisfies Record<string, Permission>;

/** The built-in plan every organization without a valid license is on. */
export const FREE_PLAN_KEY = "free";

/** Limits of a plan or a license: null = unlimited. */
export interface Limits {
  seats: number | null;
  deployments: number | null;
  features: string[];
}

/** Where a license stands right now. Only `active` gives its limits; otherwise the free plan applies. */
export type LicenseStatus = "active" | "scheduled" | "expired" | "revoked";

export interface LicenseTerms {
  planKey: string;
  planName: string;
  seatLimit: number | null;
  deploymentLimit: number | null;
  features: string[];
  validFrom: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export function licenseStatus(
  license: Pick<LicenseTerms, "validFrom" | "expiresAt" | "revokedAt">,
  now = new Date(),
): LicenseStatus {
  if (license.revokedAt) return "revoked";
  if (license.expiresAt && license.expiresAt.getTime() <= now.getTime()) return "expired";
  if (license.validFrom.getTime() > now.getTime()) return "scheduled";
  return "active";
}

export interface FreePlanSettings extends Limits {
  name: string;
}

export interface Entitlements {
  plan: { key: string; name: string; builtIn: boolean };
  limits: Limits;
  /** The assigned license's status; null without a license. */
  licenseStatus: LicenseStatus | null;
}

/**
 * What an organization may have right now: its license's limits while that license is active, the
 * free plan's otherwise (no license, or one that expired, was revoked or has not started). Computed
 * whenever it is read, so expiry needs no job.
 */
export function entitlementsOf(license: LicenseTerms | null, free: FreePlanSettings, now = new Date()): Entitlements {
  const status = license ? licenseStatus(license, now) : null;
  if (license && status === "active") {
    return {
      plan: { key: license.planKey, name: license.planName, builtIn: false },
      limits: { seats: license.seatLimit, deployments: license.deploymentLimit, features: [...license.features] },
      licenseStatus: status,
    };
  }
  return {
    plan: { key: FREE_PLAN_KEY, name: free.name, builtIn: true },
    limits: { seats: free.seats, deployments: free.deployments, features: [...free.features] },
    licenseStatus: status,
  };
}

/** Deployment status: deactivated by an admin, silent past the window (not counted), or active. */
export type DeploymentStatus = "active" | "inactive" | "deactivated";

export function deploymentStatus(
  deployment: { lastSeenAt: Date; deactivatedAt: Date | null },
  silenceSeconds: number,
  now = new Date(),
): DeploymentStatus {
  if (deployment.deactivatedAt) return "deactivated";
  return now.getTime() - deployment.lastSeenAt.getTime() > silenceSeconds * 1000 ? "inactive" : "active";
}
