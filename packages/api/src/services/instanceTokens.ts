import type { Database, DbClient } from "@tenancy/db/client";

import type { Actor, InstanceTokenActor } from "../domain/actor";
import { notFound, type DomainError } from "../domain/errors";
import type { InstanceTokenCreated, InstanceTokenDto } from "../schemas/instances";
import { recordAudit } from "./audit";
import type { InstanceAccess } from "./instanceAccess";
import { randomCode, randomUrlToken, sha256Hex } from "./secrets";
import { invalidToken, lastUseIsStale, tokenAccepts } from "./tokenValidity";

/** The key prefix of instance API tokens (org tokens: `tnc_live_` / `tnc_test_`, user tokens: `tnc_user_`). */
export const INSTANCE_TOKEN_PREFIX = "tnc_inst_";

const instanceTokenSelect = {
  id: true,
  name: true,
  key: true,
  lastFour: true,
  scopes: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

/** Mints an instance token with its scopes. The secret exists only in the return value. */
export async function createInstanceToken(
  db: Database,
  actor: Actor,
  access: InstanceAccess,
  input: { name?: string; scopes: readonly string[]; expiresAt?: Date | null },
): Promise<InstanceTokenCreated> {
  const key = `${INSTANCE_TOKEN_PREFIX}${randomCode(16).toLowerCase()}`;
  const secret = randomUrlToken(32);
  const instanceId = access.instance.id;
  const token = await db.$transaction(async (tx) => {
    const created = await tx.instanceToken.create({
      data: {
        instanceId,
        name: input.name ?? null,
        key,
        secretHash: sha256Hex(secret),
        lastFour: secret.slice(-4),
        scopes: [...input.scopes],
        expiresAt: input.expiresAt ?? null,
        createdById: actor.type === "user" ? actor.userId : null,
      },
      select: instanceTokenSelect,
    });
    await recordAudit(tx, {
      organizationId: null,
      instanceId,
      actor,
      action: "instance_token.created",
      target: { type: "instance_token", id: created.id, label: created.name ?? created.key },
      metadata: { scopes: created.scopes.join(" "), instanceRole: access.authority.role },
    });
    return created;
  });
  return { instanceToken: { ...token, secret, bearer: `${key}:${secret}` } };
}

export async function listInstanceTokens(
  db: DbClient,
  access: InstanceAccess,
): Promise<{ instanceTokens: InstanceTokenDto[] }> {
  const instanceTokens = await db.instanceToken.findMany({
    where: { instanceId: access.instance.id },
    orderBy: { createdAt: "desc" },
    select: instanceTokenSelect,
  });
  return { instanceTokens };
}

/** At once; revoking twice is a no-op. Another instance's token is not found. */
export async function revokeInstanceToken(
  db: Database,
  actor: Actor,
  access: InstanceAccess,
  tokenId: string,
): Promise<{ ok: true }> {
  const instanceId = access.instance.id;
  await db.$transaction(async (tx) => {
    const token = await tx.instanceToken.findFirst({
      where: { id: tokenId, instanceId },
      select: { id: true, name: true, key: true, revokedAt: true },
    });
    if (!token) throw notFound("api_token_not_found", "Instance API token not found");
    if (token.revokedAt) return;
    await tx.instanceToken.update({ where: { id: token.id }, data: { revokedAt: new Date() }, select: { id: true } });
    await recordAudit(tx, {
      organizationId: null,
      instanceId,
      actor,
      action: "instance_token.revoked",
      target: { type: "instance_token", id: token.id, label: token.name ?? token.key },
      metadata: { instanceRole: access.authority.role },
    });
  });
  return { ok: true };
}

/** One statement (plus the last-used stamp at most once a minute): the token, checked. */
export async function authenticateInstanceToken(
  db: DbClient,
  bearer: { key: string; secret: string },
): Promise<{ ok: true; actor: InstanceTokenActor } | { ok: false; error: DomainError }> {
  const token = await db.instanceToken.findUnique({
    where: { key: bearer.key },
    select: {
      id: true,
      name: true,
      key: true,
      instanceId: true,
      secretHash: true,
      scopes: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
    },
  });
  const now = Date.now();
  if (!tokenAccepts(token, bearer.secret, now)) return { ok: false, error: invalidToken() };
  if (lastUseIsStale(token.lastUsedAt, now)) {
    await db.instanceToken.updateMany({ where: { id: token.id }, data: { lastUsedAt: new Date(now) } });
  }
  return {
    ok: true,
    actor: {
      type: "instanceToken",
      tokenId: token.id,
      instanceId: token.instanceId,
      label: token.name ? `${token.name} (${token.key})` : token.key,
      scopes: token.scopes,
    },
  };
}
