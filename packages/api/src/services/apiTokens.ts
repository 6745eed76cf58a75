import type { DbClient, Database } from "@tenancy/db/client";

import type { Actor, TokenActor } from "../domain/actor";
import { notFound, type DomainError } from "../domain/errors";
import { API_TOKEN_ENVS, type ApiTokenCreated, type ApiTokenDto } from "../schemas/tokens";
import type { OrganizationAccess } from "./access";
import { recordAudit } from "./audit";
import { randomCode, randomUrlToken, sha256Hex } from "./secrets";
import { invalidToken, lastUseIsStale, tokenAccepts } from "./tokenValidity";

const apiTokenSelect = {
  id: true,
  name: true,
  env: true,
  key: true,
  lastFour: true,
  scopes: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

function toApiTokenDto<T extends { env: string }>(row: T): T & Pick<ApiTokenDto, "env"> {
  const env = API_TOKEN_ENVS.find((known) => known === row.env);
  if (!env) throw new Error(`Unknown API token env "${row.env}" stored in the database`);
  return { ...row, env };
}

/** Mints a token. The secret exists only in the return value: we keep its SHA-256. */
export async function createApiToken(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
  input: { name?: string; env: "live" | "test"; scopes?: readonly string[] },
): Promise<ApiTokenCreated> {
  const key = `tnc_${input.env}_${randomCode(16).toLowerCase()}`;
  const secret = randomUrlToken(32);
  const organizationId = access.organization.id;
  const token = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        organizationId,
        name: input.name ?? null,
        env: input.env,
        key,
        secretHash: sha256Hex(secret),
        lastFour: secret.slice(-4),
        scopes: [...(input.scopes ?? [])],
        createdById: actor.type === "user" ? actor.userId : null,
      },
      select: apiTokenSelect,
    });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "api_token.created",
      target: { type: "api_token", id: created.id, label: created.name ?? created.key },
      metadata: { env: input.env, scopes: created.scopes.length > 0 ? created.scopes.join(" ") : "all" },
    });
    return created;
  });
  return { apiToken: { ...toApiTokenDto(token), secret, bearer: `${key}:${secret}` } };
}

/** Newest first. Revoked tokens only with `includeRevoked`; `revokedCount` says how many there are either way. */
export async function listApiTokens(
  db: DbClient,
  access: OrganizationAccess,
  input: { includeRevoked: boolean },
): Promise<{ apiTokens: ApiTokenDto[]; revokedCount: number }> {
  // One statement: an organization has few tokens, so the revoked ones are counted from the same rows.
  const rows = await db.apiToken.findMany({
    where: { organizationId: access.organization.id },
    orderBy: { createdAt: "desc" },
    select: apiTokenSelect,
  });
  const revokedCount = rows.filter((row) => row.revokedAt !== null).length;
  const apiTokens = input.includeRevoked ? rows : rows.filter((row) => row.revokedAt === null);
  return { apiTokens: apiTokens.map(toApiTokenDto), revokedCount };
}

/** Revokes at once: the next request with this token is refused. Revoking twice is a no-op. */
export async function revokeApiToken(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
  tokenId: string,
): Promise<{ ok: true }> {
  const organizationId = access.organization.id;
  await db.$transaction(async (tx) => {
    const token = await tx.apiToken.findFirst({
      where: { id: tokenId, organizationId },
      select: { id: true, name: true, key: true, revokedAt: true },
    });
    if (!token) throw notFound("api_token_not_found", "API token not found");
    if (token.revokedAt) return;
    await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() }, select: { id: true } });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "api_token.revoked",
      target: { type: "api_token", id: token.id, label: token.name ?? token.key },
    });
  });
  return { ok: true };
}

/**
 * `Authorization: Bearer <key>:<secret>` → { key, secret }, or null when no bearer is present. The
 * key's prefix says which kind of token it is (see services/bearer.ts).
 */
export function parseBearer(header: string | null): { key: string; secret: string } | null | "malformed" {
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match?.[1]) return "malformed";
  const value = match[1].trim();
  const colon = value.indexOf(":");
  if (colon <= 0 || colon === value.length - 1) return "malformed";
  return { key: value.slice(0, colon), secret: value.slice(colon + 1) };
}

export async function authenticateApiToken(
  db: DbClient,
  bearer: { key: string; secret: string } | "malformed",
): Promise<{ ok: true; actor: TokenActor } | { ok: false; error: DomainError }> {
  if (bearer === "malformed") return { ok: false, error: invalidToken() };
  const token = await db.apiToken.findUnique({
    where: { key: bearer.key },
    select: {
      id: true,
      name: true,
      key: true,
      organizationId: true,
      secretHash: true,
      revokedAt: true,
      lastUsedAt: true,
      scopes: true,
    },
  });
  const now = Date.now();
  if (!tokenAccepts(token, bearer.secret, now)) return { ok: false, error: invalidToken() };
  if (lastUseIsStale(token.lastUsedAt, now)) {
    await db.apiToken.updateMany({ where: { id: token.id }, data: { lastUsedAt: new Date(now) } });
  }
  return {
    ok: true,
    actor: {
      type: "token",
      tokenId: token.id,
      organizationId: token.organizationId,
      label: token.name ? `${token.name} (${token.key})` : token.key,
      scopes: token.scopes,
    },
  };
}
