import type { Database, DbClient } from "@tenancy/db/client";

import type { UserActor } from "../domain/actor";
import { notFound, type DomainError } from "../domain/errors";
import type { UserTokenCreated, UserTokenDto } from "../schemas/userTokens";
import { randomCode, randomUrlToken, sha256Hex } from "./secrets";
import { invalidToken, lastUseIsStale, tokenAccepts } from "./tokenValidity";

/** The key prefix of personal access tokens (org tokens: `tnc_live_` / `tnc_test_`, instance tokens: `tnc_inst_`). */
export const USER_TOKEN_PREFIX = "tnc_user_";

const userTokenSelect = {
  id: true,
  name: true,
  key: true,
  lastFour: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

/**
 * Mints a personal access token for the signed-in user: it authenticates as them, like their
 * session, on every procedure a user may call (except minting more of these). Shown once.
 */
export async function createUserToken(
  db: Database,
  actor: UserActor,
  input: { name: string; expiresAt?: Date | null },
): Promise<UserTokenCreated> {
  const key = `${USER_TOKEN_PREFIX}${randomCode(16).toLowerCase()}`;
  const secret = randomUrlToken(32);
  const token = await db.userToken.create({
    data: {
      userId: actor.userId,
      name: input.name,
      key,
      secretHash: sha256Hex(secret),
      lastFour: secret.slice(-4),
      expiresAt: input.expiresAt ?? null,
    },
    select: userTokenSelect,
  });
  return { userToken: { ...token, secret, bearer: `${key}:${secret}` } };
}

export async function listUserTokens(db: DbClient, actor: UserActor): Promise<{ userTokens: UserTokenDto[] }> {
  const userTokens = await db.userToken.findMany({
    where: { userId: actor.userId },
    orderBy: { createdAt: "desc" },
    select: userTokenSelect,
  });
  return { userTokens };
}

/** At once; revoking twice is a no-op; someone else's token is not found. */
export async function revokeUserToken(db: DbClient, actor: UserActor, tokenId: string): Promise<{ ok: true }> {
  const token = await db.userToken.findFirst({
    where: { id: tokenId, userId: actor.userId },
    select: { id: true, revokedAt: true },
  });
  if (!token) throw notFound("api_token_not_found", "Personal access token not found");
  if (!token.revokedAt) {
    await db.userToken.updateMany({ where: { id: token.id, revokedAt: null }, data: { revokedAt: new Date() } });
  }
  return { ok: true };
}

interface UserTokenRow {
  id: string;
  secretHash: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  userId: string;
  email: string;
  name: string;
  emailVerified: boolean;
}

/** One statement (plus the last-used stamp at most once a minute): the token and its user. */
export async function authenticateUserToken(
  db: DbClient,
  bearer: { key: string; secret: string },
): Promise<{ ok: true; actor: UserActor } | { ok: false; error: DomainError }> {
  const rows = await db.$queryRaw<UserTokenRow[]>`
    SELECT t."id", t."secretHash", t."expiresAt", t."revokedAt", t."lastUsedAt",
           u."id" AS "userId", u."email", u."name", u."emailVerified"
    FROM "user_token" t JOIN "user" u ON u."id" = t."userId"
    WHERE t."key" = ${bearer.key}`;
  const token = rows[0];
  const now = Date.now();
  if (!tokenAccepts(token, bearer.secret, now)) return { ok: false, error: invalidToken() };
  if (lastUseIsStale(token.lastUsedAt, now)) {
    await db.userToken.updateMany({ where: { id: token.id }, data: { lastUsedAt: new Date(now) } });
  }
  return {
    ok: true,
    actor: {
      type: "user",
      userId: token.userId,
      email: token.email.toLowerCase(),
      name: token.name,
      emailVerified: token.emailVerified,
      userTokenId: token.id,
    },
  };
}
