import { Prisma, type DbClient } from "@tenancy/db/client";

import { actorId, actorLabel, auditActorType, type AuditActor } from "../domain/actor";
import { AUDIT_ACTION_GROUPS, type AuditAction, type InstanceAuditAction } from "../domain/audit-actions";
import { invalid } from "../domain/errors";
import type { InstanceAuthority } from "../domain/instances";
import type { AuditEventDto, AuditFilters, AuditMetadata } from "../schemas/audit";

export interface AuditTarget {
  type: string;
  id: string;
  label?: string | null;
}

export interface AuditEntry {
  /** null: the platform operators' trail (licenses and plans not tied to an organization). */
  organizationId: string | null;
  actor: AuditActor;
  /** Instance actions go to the instance trail only. */
  action: AuditAction | InstanceAuditAction;
  target?: AuditTarget;
  metadata?: AuditMetadata;
  /** The instance trail (instance members, instance tokens, instances): the instance it belongs to. */
  instanceId?: string | null;
  /**
   * The caller acted on the organization by an instance role, not as a member: the reason the event
   * records (metadata `instanceId`, `instanceRole`).
   */
  authority?: InstanceAuthority | null;
}

function auditColumns(entry: AuditEntry) {
  return {
    organizationId: entry.organizationId,
    instanceId: entry.instanceId ?? null,
    actorType: auditActorType(entry.actor),
    actorId: actorId(entry.actor),
    actorLabel: actorLabel(entry.actor),
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    targetLabel: entry.target?.label ?? null,
    // An instance role's action records it as the reason.
    metadata: entry.authority
      ? { ...entry.metadata, instanceId: entry.authority.instanceId, instanceRole: entry.authority.role }
      : (entry.metadata ?? null),
  };
}

/** Writes one audit event. Call it with the transaction client of the change it records. */
export async function recordAudit(tx: DbClient, entry: AuditEntry): Promise<void> {
  const { metadata, ...columns } = auditColumns(entry);
  await tx.auditEvent.create({ data: { ...columns, metadata: metadata ?? undefined }, select: { id: true } });
}

/** An audit entry whose organization, target and metadata may be SQL expressions over the CTE row. */
export interface AuditSqlEntry {
  organizationId: string | Prisma.Sql;
  actor: AuditActor;
  action: string;
  target?: { type: string; id: string | Prisma.Sql; label?: string | Prisma.Sql | null };
  /** A value, or a jsonb SQL expression. */
  metadata?: AuditMetadata | Prisma.Sql;
}

const text = (value: string | Prisma.Sql | null | undefined) =>
  value instanceof Prisma.Sql ? value : Prisma.sql`${value ?? null}::text`;

/**
 * The same audit event as an `INSERT … SELECT … FROM <source>`, for a data-modifying CTE that writes
 * the change and its audit in one statement: one event per row of `source` (e.g. the CTE that made
 * the change, so no change means no event). Fields may be SQL expressions over that row.
 */
export function auditInsertFrom(source: Prisma.Sql, entry: AuditSqlEntry, now: Date): Prisma.Sql {
  const metadata =
    entry.metadata instanceof Prisma.Sql
      ? entry.metadata
      : entry.metadata === undefined
        ? Prisma.sql`NULL::jsonb`
        : Prisma.sql`${JSON.stringify(entry.metadata)}::jsonb`;
  return Prisma.sql`INSERT INTO "audit_event" ("organizationId", "actorType", "actorId", "actorLabel", "action",
      "targetType", "targetId", "targetLabel", "metadata", "createdAt")
    SELECT ${text(entry.organizationId)}, ${text(auditActorType(entry.actor))}, ${text(actorId(entry.actor))},
      ${text(actorLabel(entry.actor))}, ${text(entry.action)}, ${text(entry.target?.type)}, ${text(entry.target?.id)},
      ${text(entry.target?.label)}, ${metadata}, ${now}::timestamp(3)
    FROM ${source}`;
}

const MAX_EVENT_ID = 2n ** 63n - 1n;

/** A cursor is an event id (a positive bigint); anything else is a bad request, never a silent first page or a failed cast. */
function parseAuditCursor(cursor: string): bigint {
  const id = /^[1-9]\d{0,18}$/.test(cursor) ? BigInt(cursor) : null;
  if (id === null || id > MAX_EVENT_ID) throw invalid("invalid_input", "Invalid cursor", { field: "cursor" });
  return id;
}

/** The filters as a where clause; with `actions` and `actionGroup` both given, an event matching either is kept. */
function auditWhere(trail: AuditTrail, filters: AuditFilters): Prisma.AuditEventWhereInput {
  const actions = new Set<string>([
    ...(filters.actions ?? []),
    ...(filters.actionGroup ? AUDIT_ACTION_GROUPS[filters.actionGroup] : []),
  ]);
  const actor = filters.actor?.trim();
  return {
    ...trail,
    ...(actions.size > 0 ? { action: { in: [...actions] } } : {}),
    ...(actor ? { actorLabel: { contains: actor, mode: "insensitive" as const } } : {}),
    ...(filters.from || filters.to
      ? { createdAt: { ...(filters.from ? { gte: filters.from } : {}), ...(filters.to ? { lt: filters.to } : {}) } }
      : {}),
  };
}

export const auditEventSelect = {
  id: true,
  action: true,
  actorType: true,
  actorId: true,
  actorLabel: true,
  targetType: true,
  targetId: true,
  targetLabel: true,
  metadata: true,
  createdAt: true,
} as const;

type AuditEventRow = Prisma.AuditEventGetPayload<{ select: typeof auditEventSelect }>;

const ACTOR_TYPES = ["user", "token", "instance_token", "deployment"] as const;

export function toAuditEventDto(row: AuditEventRow): AuditEventDto {
  return {
    id: row.id.toString(),
    action: row.action,
    actor: {
      type: ACTOR_TYPES.find((type) => type === row.actorType) ?? "user",
      id: row.actorId,
      label: row.actorLabel,
    },
    target: row.targetType && row.targetId ? { type: row.targetType, id: row.targetId, label: row.targetLabel } : null,
    // Written only by recordAudit, whose metadata is an AuditMetadata object.
    metadata: (row.metadata ?? null) as AuditMetadata | null,
    createdAt: row.createdAt,
  };
}

/** An organization's log, or an instance's trail (its members, tokens and creation). */
export type AuditTrail = { organizationId: string } | { instanceId: string };

/** Newest first, a page at a time (keyset on the event id), narrowed by the filters. */
export async function listAuditEvents(
  db: DbClient,
  trail: AuditTrail,
  page: { cursor?: string; limit: number } & AuditFilters,
): Promise<{ events: AuditEventDto[]; nextCursor: string | null }> {
  const before = page.cursor === undefined ? undefined : parseAuditCursor(page.cursor);
  const rows = await db.auditEvent.findMany({
    where: { ...auditWhere(trail, page), ...(before !== undefined ? { id: { lt: before } } : {}) },
    orderBy: { id: "desc" },
    take: page.limit + 1,
    select: auditEventSelect,
  });
  const pageRows = rows.slice(0, page.limit);
  return {
    events: pageRows.map(toAuditEventDto),
    nextCursor: rows.length > page.limit ? (pageRows.at(-1)?.id.toString() ?? null) : null,
  };
}

/** Most events one export carries; narrower filters get the rest. */
export const AUDIT_EXPORT_LIMIT = 100_000;
const EXPORT_BATCH = 1_000;

/**
 * Every event matching the filters, newest first, in batches (for CSV/JSON export), at most
 * AUDIT_EXPORT_LIMIT. The caller has checked audit:view.
 */
export async function* exportAuditEvents(
  db: DbClient,
  organizationId: string,
  filters: AuditFilters,
): AsyncGenerator<AuditEventDto[]> {
  const where = auditWhere({ organizationId }, filters);
  let before: bigint | undefined;
  let sent = 0;
  while (sent < AUDIT_EXPORT_LIMIT) {
    const rows = await db.auditEvent.findMany({
      where: { ...where, ...(before !== undefined ? { id: { lt: before } } : {}) },
      orderBy: { id: "desc" },
      take: Math.min(EXPORT_BATCH, AUDIT_EXPORT_LIMIT - sent),
      select: auditEventSelect,
    });
    if (rows.length === 0) return;
    yield rows.map(toAuditEventDto);
    sent += rows.length;
    before = rows.at(-1)!.id;
    if (rows.length < EXPORT_BATCH) return;
  }
}
