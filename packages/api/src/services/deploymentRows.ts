import type { Prisma } from "@tenancy/db/client";

import type { ApiConfig } from "../config";
import { deploymentStatus } from "../domain/licensing";
import type { DeploymentDto } from "../schemas/licensing";

export const deploymentSelect = {
  id: true,
  name: true,
  fingerprint: true,
  version: true,
  url: true,
  activatedAt: true,
  lastSeenAt: true,
  deactivatedAt: true,
} as const;

export type DeploymentRow = Prisma.DeploymentGetPayload<{ select: typeof deploymentSelect }>;

export function toDeploymentDto(config: ApiConfig, row: DeploymentRow, now = new Date()): DeploymentDto {
  return { ...row, status: deploymentStatus(row, config.licensing.deploymentSilenceSeconds, now) };
}

/** Deployments that count against the limit: not deactivated, and heard from within the window. */
export function activeDeploymentsWhere(config: ApiConfig, now: Date): Prisma.DeploymentWhereInput {
  return {
    deactivatedAt: null,
    lastSeenAt: { gte: new Date(now.getTime() - config.licensing.deploymentSilenceSeconds * 1000) },
  };
}
