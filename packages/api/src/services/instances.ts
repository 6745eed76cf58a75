import type { Database, DbClient } from "@tenancy/db/client";
import { isUniqueViolation } from "@tenancy/db/errors";

import type { Actor, UserActor } from "../domain/actor";
import { conflict, forbidden, notFound } from "../domain/errors";
import { storedInstanceRole, type InstanceRole } from "../domain/instances";
import type { InstanceDto, InstanceMemberDto } from "../schemas/instances";
import { recordAudit } from "./audit";
import type { InstanceAccess } from "./instanceAccess";

const instanceSelect = { id: true, name: true, isDefault: true, createdAt: true } as const;

function toInstanceDto(row: { id: string; name: string; isDefault: boolean | null; createdAt: Date }): InstanceDto {
  return { ...row, isDefault: row.isDefault === true };
}

/** The instances the caller administers (an instance token: its own), with the caller's role. */
export async function listInstances(
  db: DbClient,
  actor: Actor,
): Promise<{ instances: (InstanceDto & { role: InstanceRole | "token" })[] }> {
  if (actor.type === "instanceToken") {
    const instance = await db.instance.findUnique({ where: { id: actor.instanceId }, select: instanceSelect });
    return { instances: instance ? [{ ...toInstanceDto(instance), role: "token" }] : [] };
  }
  if (actor.type !== "user") return { instances: [] };
  const memberships = await db.instanceMember.findMany({
    where: { userId: actor.userId },
    orderBy: [{ instance: { isDefault: "asc" } }, { instance: { name: "asc" } }],
    select: { role: true, instance: { select: instanceSelect } },
  });
  return {
    instances: memberships.map((m) => ({ ...toInstanceDto(m.instance), role: storedInstanceRole(m.role) })),
  };
}

export async function getInstance(db: DbClient, access: InstanceAccess) {
  const instance = await db.instance.findUniqueOrThrow({
    where: { id: access.instance.id },
    select: { ...instanceSelect, _count: { select: { organizations: true, members: true } } },
  });
  const { _count, ...row } = instance;
  return {
    instance: toInstanceDto(row),
    role: access.authority.role,
    permissions: access.permissions,
    organizationCount: _count.organizations,
    memberCount: _count.members,
  };
}

/**
 * A new instance (a white-label partner, a region, a customer): only owners of the default instance
 * create them; the creator becomes the new instance's owner.
 */
export async function createInstance(
  db: Database,
  actor: UserActor,
  input: { name: string },
): Promise<{ instance: InstanceDto }> {
  const owner = await db.instanceMember.findFirst({
    where: { userId: actor.userId, role: "owner", instance: { isDefault: true } },
    select: { id: true },
  });
  if (!owner) throw forbidden("permission_denied", "Only owners of the default instance create instances");
  const instance = await db.$transaction(async (tx) => {
    const created = await tx.instance.create({
      data: { name: input.name, members: { create: { userId: actor.userId, role: "owner" } } },
      select: instanceSelect,
    });
    await recordAudit(tx, {
      organizationId: null,
      instanceId: created.id,
      actor,
      action: "instance.created",
      target: { type: "instance", id: created.id, label: created.name },
    });
    return created;
  });
  return { instance: toInstanceDto(instance) };
}

// ---- Instance members ---------------------------------------------------------------------------

const memberSelect = { role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } } as const;

function toInstanceMemberDto(row: {
  role: string;
  createdAt: Date;
  user: { id: string; name: string; email: string };
}): InstanceMemberDto {
  return {
    userId: row.user.id,
    name: row.user.name,
    email: row.user.email,
    role: storedInstanceRole(row.role),
    createdAt: row.createdAt,
  };
}

export async function listInstanceMembers(
  db: DbClient,
  access: InstanceAccess,
): Promise<{ members: InstanceMemberDto[] }> {
  const rows = await db.instanceMember.findMany({
    where: { instanceId: access.instance.id },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: memberSelect,
  });
  return { members: rows.map(toInstanceMemberDto) };
}

/** Serializes changes to an instance's members (the last-owner rule), like the organization lock. */
async function lockInstanceMembers(tx: DbClient, instanceId: string): Promise<void> {
  await tx.$queryRaw`SELECT "id" FROM "instance" WHERE "id" = ${instanceId} FOR NO KEY UPDATE`;
}

const lastInstanceOwner = () => conflict("last_owner", "An instance needs at least one owner");

/** Adds an existing user with a verified email (as organizations' members.add does). */
export async function addInstanceMember(
  db: Database,
  actor: Actor,
  access: InstanceAccess,
  input: { email: string; role: InstanceRole },
): Promise<{ member: InstanceMemberDto }> {
  const user = await db.user.findUnique({
    where: { email: input.email },
    select: { id: true, email: true, emailVerified: true },
  });
  if (!user) throw notFound("user_not_found", "No user has signed up with that email");
  if (!user.emailVerified) throw forbidden("email_unverified", "That person has not verified their email address yet");
  const instanceId = access.instance.id;
  try {
    const member = await db.$transaction(async (tx) => {
      const created = await tx.instanceMember.create({
        data: { instanceId, userId: user.id, role: input.role },
        select: memberSelect,
      });
      await recordAudit(tx, {
        organizationId: null,
        instanceId,
        actor,
        action: "instance_member.added",
        target: { type: "user", id: user.id, label: user.email },
        metadata: { role: input.role, instanceRole: access.authority.role },
      });
      return created;
    });
    return { member: toInstanceMemberDto(member) };
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("already_member", "That user is already an instance member");
    throw error;
  }
}

export async function setInstanceMemberRole(
  db: Database,
  actor: Actor,
  access: InstanceAccess,
  input: { userId: string; role: InstanceRole },
): Promise<{ member: InstanceMemberDto }> {
  const instanceId = access.instance.id;
  const member = await db.$transaction(async (tx) => {
    await lockInstanceMembers(tx, instanceId);
    const current = await tx.instanceMember.findUnique({
      where: { instanceId_userId: { instanceId, userId: input.userId } },
      select: { id: true, role: true },
    });
    if (!current) throw notFound("member_not_found", "Not an instance member");
    if (current.role === "owner" && input.role !== "owner") {
      const owners = await tx.instanceMember.count({ where: { instanceId, role: "owner" } });
      if (owners <= 1) throw lastInstanceOwner();
    }
    const updated = await tx.instanceMember.update({
      where: { id: current.id },
      data: { role: input.role },
      select: memberSelect,
    });
    if (current.role !== input.role) {
      await recordAudit(tx, {
        organizationId: null,
        instanceId,
        actor,
        action: "instance_member.role_changed",
        target: { type: "user", id: updated.user.id, label: updated.user.email },
        metadata: { from: current.role, to: input.role, instanceRole: access.authority.role },
      });
    }
    return updated;
  });
  return { member: toInstanceMemberDto(member) };
}

/** Idempotent; the last owner cannot be removed. */
export async function removeInstanceMember(
  db: Database,
  actor: Actor,
  access: InstanceAccess,
  userId: string,
): Promise<{ ok: true }> {
  const instanceId = access.instance.id;
  await db.$transaction(async (tx) => {
    await lockInstanceMembers(tx, instanceId);
    const current = await tx.instanceMember.findUnique({
      where: { instanceId_userId: { instanceId, userId } },
      select: { id: true, role: true, user: { select: { email: true } } },
    });
    if (!current) return;
    if (current.role === "owner") {
      const owners = await tx.instanceMember.count({ where: { instanceId, role: "owner" } });
      if (owners <= 1) throw lastInstanceOwner();
    }
    await tx.instanceMember.delete({ where: { id: current.id }, select: { id: true } });
    await recordAudit(tx, {
      organizationId: null,
      instanceId,
      actor,
      action: "instance_member.removed",
      target: { type: "user", id: userId, label: current.user.email },
      metadata: { role: current.role, instanceRole: access.authority.role },
    });
  });
  return { ok: true };
}
