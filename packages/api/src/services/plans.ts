import type { Database, DbClient, Prisma } from "@tenancy/db/client";
import { isUniqueViolation } from "@tenancy/db/errors";

import type { ApiConfig } from "../config";
import type { Actor } from "../domain/actor";
import { conflict, invalid, notFound } from "../domain/errors";
import { FREE_PLAN_KEY } from "../domain/licensing";
import type { PlanDto } from "../schemas/licensing";
import { recordAudit } from "./audit";

export const planSelect = {
  key: true,
  name: true,
  description: true,
  seatLimit: true,
  deploymentLimit: true,
  features: true,
  archivedAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

type PlanRow = Prisma.PlanGetPayload<{ select: typeof planSelect }>;

function toPlanDto(row: PlanRow): PlanDto {
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    limits: { seats: row.seatLimit, deployments: row.deploymentLimit, features: row.features },
    builtIn: false,
    archived: row.archivedAt !== null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The built-in free plan, from configuration. */
export function freePlanDto(config: ApiConfig): PlanDto {
  const free = config.licensing.freePlan;
  return {
    key: FREE_PLAN_KEY,
    name: free.name,
    description: "Organizations without a valid license. Its limits are the server's TENANCY_FREE_* settings.",
    limits: { seats: free.seats, deployments: free.deployments, features: [...free.features] },
    builtIn: true,
    archived: false,
    createdAt: null,
    updatedAt: null,
  };
}

/** The catalogue: the free plan first, then the others by name. */
export async function listPlans(
  db: DbClient,
  config: ApiConfig,
  input: { includeArchived?: boolean },
): Promise<{ plans: PlanDto[] }> {
  const rows = await db.plan.findMany({
    where: input.includeArchived ? {} : { archivedAt: null },
    orderBy: [{ name: "asc" }, { key: "asc" }],
    select: planSelect,
  });
  return { plans: [freePlanDto(config), ...rows.map(toPlanDto)] };
}

const planKeyTaken = (key: string) =>
  conflict("plan_key_taken", `A plan with the key "${key}" already exists (or is built in)`);

export async function createPlan(
  db: Database,
  actor: Actor,
  input: {
    key: string;
    name: string;
    description?: string | null;
    seats: number | null;
    deployments: number | null;
    features: string[];
  },
): Promise<{ plan: PlanDto }> {
  if (input.key === FREE_PLAN_KEY) throw planKeyTaken(input.key);
  try {
    const plan = await db.$transaction(async (tx) => {
      const created = await tx.plan.create({
        data: {
          key: input.key,
          name: input.name,
          description: input.description ?? null,
          seatLimit: input.seats,
          deploymentLimit: input.deployments,
          features: input.features,
        },
        select: planSelect,
      });
      await recordAudit(tx, {
        organizationId: null,
        actor,
        action: "plan.created",
        target: { type: "plan", id: created.key, label: created.name },
        metadata: { seats: input.seats, deployments: input.deployments, features: input.features.join(",") },
      });
      return created;
    });
    return { plan: toPlanDto(plan) };
  } catch (error) {
    if (isUniqueViolation(error)) throw planKeyTaken(input.key);
    throw error;
  }
}

/** Changes apply to licenses issued afterwards: an issued license keeps the terms signed into its key. */
export async function updatePlan(
  db: Database,
  actor: Actor,
  input: {
    key: string;
    name?: string;
    description?: string | null;
    seats?: number | null;
    deployments?: number | null;
    features?: string[];
    archived?: boolean;
  },
): Promise<{ plan: PlanDto }> {
  if (input.key === FREE_PLAN_KEY) {
    throw invalid("invalid_input", "The free plan is built in: its limits are the server's TENANCY_FREE_* settings", {
      field: "key",
    });
  }
  const plan = await db.$transaction(async (tx) => {
    const existing = await tx.plan.findUnique({ where: { key: input.key }, select: planSelect });
    if (!existing) throw notFound("plan_not_found", "No plan with that key");
    const data: Prisma.PlanUpdateInput = {};
    const changed: Record<string, string | number | boolean | null> = {};
    if (input.name !== undefined && input.name !== existing.name) changed.name = data.name = input.name;
    if (input.description !== undefined && input.description !== existing.description)
      changed.description = data.description = input.description;
    if (input.seats !== undefined && input.seats !== existing.seatLimit) changed.seats = data.seatLimit = input.seats;
    if (input.deployments !== undefined && input.deployments !== existing.deploymentLimit)
      changed.deployments = data.deploymentLimit = input.deployments;
    if (input.features !== undefined && input.features.join(",") !== existing.features.join(",")) {
      data.features = input.features;
      changed.features = input.features.join(",");
    }
    if (input.archived !== undefined && input.archived !== (existing.archivedAt !== null)) {
      data.archivedAt = input.archived ? new Date() : null;
      changed.archived = input.archived;
    }
    if (Object.keys(changed).length === 0) return existing;
    const updated = await tx.plan.update({ where: { key: input.key }, data, select: planSelect });
    await recordAudit(tx, {
      organizationId: null,
      actor,
      action: "plan.updated",
      target: { type: "plan", id: updated.key, label: updated.name },
      metadata: changed,
    });
    return updated;
  });
  return { plan: toPlanDto(plan) };
}
