import { Prisma, type DbClient } from "@tenancy/db/client";
import { queryRows } from "@tenancy/db/direct-read";

import type { Actor, TokenActor, UserActor } from "../domain/actor";
import type { DomainError } from "../domain/errors";
import {
  ACCESS_MEMBERSHIP_COLUMNS,
  ACCESS_ORGANIZATION_COLUMNS,
  accessFromColumns,
  lookupOrganizationAccess,
  organizationRefCondition,
  ROLE_PERMISSIONS_JOIN,
  type AccessColumns,
  type AccessLookup,
} from "./access";
import { invalidToken, lastUseIsStale, tokenAccepts } from "./tokenValidity";

/** A signed-in user as the session store knows them. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
}

/**
 * The credential of a request, not looked up yet: the procedure builders resolve it when a
 * procedure needs a caller, together with the organization access when the procedure is
 * org-scoped (one statement for both). The transport decided what the credential is (the session
 * cookie's signature is checked there); services never see HTTP. An organization API token (its kind
 * read from the key's prefix) is resolved here too, with its scopes, before the one scope check runs
 * (trpc.ts); instance tokens and personal access tokens are authenticated when the context is built
 * (services/bearer.ts).
 */
export type Credential =
  | {
      kind: "session";
      /** The session token from a correctly signed cookie. */
      token: string;
      /** Can a session with this expiry be used as stored (not expired, not due for Better Auth's refresh)? */
      usableAsIs: (expiresAt: Date) => boolean;
      /** Better Auth's own lookup, for everything else (it expires or refreshes the session, and its cookie). */
      viaBetterAuth: () => Promise<SessionUser | null>;
    }
  | { kind: "apiToken"; key: string; secret: string };

export interface ResolvedCaller {
  actor: Actor | null;
  /** Why a presented credential was refused (surfaced by procedures that need a caller). */
  error: DomainError | null;
}

/** The caller, and the access lookup of `ref` when one was asked for (null: an outsider). */
export interface ResolvedCallerWithAccess extends ResolvedCaller {
  access?: AccessLookup;
}

export function userActorOf(user: SessionUser): UserActor {
  return {
    type: "user",
    userId: user.id,
    email: user.email.toLowerCase(),
    name: user.name,
    emailVerified: user.emailVerified,
  };
}

interface SessionRow extends AccessColumns {
  userId: string;
  expiresAt: Date;
  email: string;
  name: string;
  emailVerified: boolean;
}

interface TokenRow extends AccessColumns {
  id: string;
  name: string | null;
  key: string;
  organizationId: string;
  secretHash: string;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  scopes: string[];
}

/**
 * Resolves a credential, and with `ref` the caller's access to that organization, in one statement:
 * the session with its user (and membership, its custom role's permissions and the organization), or
 * the organization API token with its scopes (and its organization when `ref` names it). Nothing is
 * cached across requests: a signed-out session, a revoked token or a removed member is refused on the
 * next request.
 */
export async function resolveCredential(
  db: DbClient,
  credential: Credential,
  ref: string | null,
): Promise<ResolvedCallerWithAccess> {
  return credential.kind === "session" ? resolveSession(db, credential, ref) : resolveApiToken(db, credential, ref);
}

async function resolveSession(
  db: DbClient,
  credential: Extract<Credential, { kind: "session" }>,
  ref: string | null,
): Promise<ResolvedCallerWithAccess> {
  // queryRows: on PostgreSQL straight to the pool, this statement runs on every request (directRead.ts).
  const rows = ref
    ? await queryRows<SessionRow>(
        db,
        Prisma.sql`
        SELECT s."userId", s."expiresAt", u."email", u."name", u."emailVerified", a.*
        FROM "session" s JOIN "user" u ON u."id" = s."userId"
        LEFT JOIN LATERAL (
          SELECT ${ACCESS_ORGANIZATION_COLUMNS}, ${ACCESS_MEMBERSHIP_COLUMNS}
          FROM "membership" m JOIN "organization" o ON o."id" = m."organizationId"
          ${ROLE_PERMISSIONS_JOIN}
          WHERE m."userId" = s."userId" AND ${organizationRefCondition(ref)}
        ) a ON TRUE
        WHERE s."token" = ${credential.token}`,
      )
    : await queryRows<SessionRow>(
        db,
        Prisma.sql`
        SELECT s."userId", s."expiresAt", u."email", u."name", u."emailVerified"
        FROM "session" s JOIN "user" u ON u."id" = s."userId"
        WHERE s."token" = ${credential.token}`,
      );
  const row = rows[0];
  if (row && credential.usableAsIs(row.expiresAt)) {
    const actor = userActorOf({ id: row.userId, email: row.email, name: row.name, emailVerified: row.emailVerified });
    return ref ? { actor, error: null, access: accessFromColumns(row) } : { actor, error: null };
  }
  // Unknown, expired or due for a refresh: Better Auth decides (and answers with its cookie).
  const user = await credential.viaBetterAuth();
  if (!user) return { actor: null, error: null };
  const actor = userActorOf(user);
  return ref ? { actor, error: null, access: await lookupOrganizationAccess(db, actor, ref) } : { actor, error: null };
}

async function resolveApiToken(
  db: DbClient,
  credential: Extract<Credential, { kind: "apiToken" }>,
  ref: string | null,
): Promise<ResolvedCallerWithAccess> {
  const rows = ref
    ? await queryRows<TokenRow>(
        db,
        Prisma.sql`
        SELECT t."id", t."name", t."key", t."organizationId", t."secretHash", t."revokedAt", t."lastUsedAt", t."scopes",
               ${ACCESS_ORGANIZATION_COLUMNS}
        FROM "api_token" t LEFT JOIN "organization" o ON o."id" = t."organizationId" AND ${organizationRefCondition(ref)}
        WHERE t."key" = ${credential.key}`,
      )
    : await queryRows<TokenRow>(
        db,
        Prisma.sql`
        SELECT t."id", t."name", t."key", t."organizationId", t."secretHash", t."revokedAt", t."lastUsedAt", t."scopes"
        FROM "api_token" t WHERE t."key" = ${credential.key}`,
      );
  const token = rows[0];
  const now = Date.now();
  if (!tokenAccepts(token, credential.secret, now)) return { actor: null, error: invalidToken() };
  if (lastUseIsStale(token.lastUsedAt, now)) {
    await db.apiToken.updateMany({ where: { id: token.id }, data: { lastUsedAt: new Date(now) } });
  }
  const actor: TokenActor = {
    type: "token",
    tokenId: token.id,
    organizationId: token.organizationId,
    label: token.name ? `${token.name} (${token.key})` : token.key,
    scopes: token.scopes,
  };
  return ref ? { actor, error: null, access: accessFromColumns(token) } : { actor, error: null };
}
