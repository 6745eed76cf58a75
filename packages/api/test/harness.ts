import { randomUUID } from "node:crypto";

import { openDatabase, type DatabaseHandle, type OpenDatabaseOptions } from "@tenancy/db/connect";
import { createLogger } from "@tenancy/observability/logger";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, inject } from "vitest";

import type { ApiConfig } from "../src/config";
import { createRequestContext, resolveCaller, type ApiContext } from "../src/context";
import { ephemeralLicenseSigningKeys } from "../src/licensing/signing-keys";
import type { Actor, UserActor } from "../src/domain/actor";
import { createCaller } from "../src/root";
import { ensureDefaultInstance } from "../src/services/instanceAccess";
import { describeError, type ErrorDescription } from "../src/trpc";

/**
 * One real database per test file: in-memory PGlite, or (TEST_DB=postgres) a fresh database on the
 * PostgreSQL server started by the global setup. Migrated with the committed migrations.
 */
export async function openTestDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  if (process.env.TEST_DB === "postgres") {
    const serverUrl = process.env.TEST_POSTGRES_URL ?? inject("postgresUrl");
    if (!serverUrl)
      throw new Error("TEST_POSTGRES_URL is not set: the postgres test project's global setup starts the server");
    const name = `test_${randomUUID().replace(/-/g, "")}`;
    const admin = await openDatabase({ kind: "postgres", url: serverUrl, poolSize: 1 });
    await admin.sql.exec(`CREATE DATABASE ${name}`);
    await admin.close();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const db = await openDatabase({ kind: "postgres", url: url.toString(), poolSize: 20 }, options);
    await db.migrate();
    return db;
  }
  const db = await openDatabase({ kind: "pglite" }, options);
  await db.migrate();
  return db;
}

/**
 * The usual lifecycle of a test file: one database opened for the file, emptied before each test,
 * closed at the end. Returns a handle that reads the open database lazily (it opens in beforeAll).
 */
export function useTestDatabase(options: OpenDatabaseOptions = {}): DatabaseHandle {
  let current: DatabaseHandle | undefined;
  const open = () => {
    if (!current) throw new Error("The test database opens in beforeAll: use it inside tests and hooks");
    return current;
  };
  beforeAll(async () => {
    current = await openTestDatabase(options);
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(async () => {
    await resetDatabase(open());
  });
  return {
    get kind() {
      return open().kind;
    },
    get prisma() {
      return open().prisma;
    },
    get sql() {
      return open().sql;
    },
    migrate: () => open().migrate(),
    poolStats: () => open().poolStats(),
    close: () => open().close(),
  };
}

const TABLES_TO_KEEP = new Set(["_prisma_migrations"]);

/** Empties every table (fast, keeps the schema) so each test starts from nothing. */
export async function resetDatabase(db: DatabaseHandle): Promise<void> {
  const tables = await db.sql.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
  );
  const names = tables.map((t) => t.tablename).filter((name) => !TABLES_TO_KEEP.has(name));
  if (names.length > 0) await db.sql.exec(`TRUNCATE ${names.map((n) => `"${n}"`).join(", ")} RESTART IDENTITY CASCADE`);
  // The migration's default instance: every organization needs an instance.
  await ensureDefaultInstance(db.prisma);
}

/** A fresh Ed25519 signing key per test file, as the embedded server generates one into its data dir. */
export const testLicenseSigningKeys = ephemeralLicenseSigningKeys();

export const testConfig: ApiConfig = {
  publicUrl: "http://tenancy.test",
  trustedOrigins: ["http://tenancy.test"],
  maxBodyBytes: 1_048_576,
  secrets: { current: "test-secret-test-secret-test-secret-123456", previous: [] },
  rateLimits: {
    redeemPerUser: { limit: 1000, windowSeconds: 60 },
    redeemPerIp: { limit: 1000, windowSeconds: 60 },
    previewPerIp: { limit: 1000, windowSeconds: 60 },
    activatePerIp: { limit: 1000, windowSeconds: 60 },
    heartbeatPerIp: { limit: 1000, windowSeconds: 60 },
  },
  licensing: {
    // The defaults: unlimited free seats, no free deployments.
    freePlan: { name: "Free", seats: null, deployments: 0, features: [] },
    deploymentSilenceSeconds: 3600,
    operatorEmails: ["operator@tenancy.test"],
    signingKeys: testLicenseSigningKeys,
  },
  instances: { adminEmails: ["admin@tenancy.test"] },
};

export type TestUser = UserActor;

let userCounter = 0;

/**
 * Inserts a user row directly (what Better Auth's sign-up would create), with a verified email
 * unless `emailVerified: false` (a fresh sign-up that has not opened its verification link).
 */
export async function createUser(
  db: DatabaseHandle,
  overrides: { name?: string; email?: string; emailVerified?: boolean } = {},
): Promise<TestUser> {
  userCounter += 1;
  const id = randomUUID();
  const email = (overrides.email ?? `user${userCounter}-${id.slice(0, 8)}@example.com`).toLowerCase();
  const name = overrides.name ?? `User ${userCounter}`;
  const emailVerified = overrides.emailVerified ?? true;
  await db.prisma.user.create({ data: { id, email, name, emailVerified }, select: { id: true } });
  return { type: "user", userId: id, email, name, emailVerified };
}

export function callerFor(
  db: DatabaseHandle,
  actor: Actor | null,
  options: { ip?: string | null; config?: Partial<ApiConfig> } = {},
) {
  const ctx: ApiContext = {
    db: db.prisma,
    actor,
    authError: null,
    ip: options.ip ?? null,
    config: { ...testConfig, ...options.config },
  };
  return createCaller(ctx);
}

export interface CallFailure extends ErrorDescription {
  /** The tRPC error code, e.g. "NOT_FOUND". */
  code: string;
}

/** Awaits a call that must fail with a tRPC error; returns its code and what clients are told about it. */
export async function failureOf(call: Promise<unknown>): Promise<CallFailure> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return { code: error.code, ...describeError(error) };
  }
  throw new Error("Expected the call to fail, but it succeeded");
}

/** The context an HTTP request with `Authorization: Bearer <bearer>` gets (no session cookie); the token is looked up lazily. */
export function bearerRequestContext(db: DatabaseHandle, bearer: string): Promise<ApiContext> {
  return createRequestContext({
    db: db.prisma,
    headers: new Headers({ authorization: `Bearer ${bearer}` }),
    config: testConfig,
  });
}

/** That context with its token looked up: `actor`, or `authError` when the token is refused. */
export async function bearerContext(db: DatabaseHandle, bearer: string): Promise<ApiContext> {
  const ctx = await bearerRequestContext(db, bearer);
  const { actor, error } = await resolveCaller(ctx);
  return { ...ctx, credential: undefined, actor, authError: error };
}

/** A caller authenticated the way a request presenting an org API token is (looked up by the procedure). */
export async function callerForBearer(db: DatabaseHandle, bearer: string) {
  return createCaller(await bearerRequestContext(db, bearer));
}

/** Row count of a table, optionally filtered by a SQL condition with $1.. parameters. */
export async function countRows(
  db: DatabaseHandle,
  table: string,
  where = "TRUE",
  params: unknown[] = [],
): Promise<number> {
  const rows = await db.sql.query<{ count: number | string | bigint }>(
    `SELECT count(*)::int AS count FROM "${table}" WHERE ${where}`,
    params,
  );
  return Number(rows[0]?.count ?? 0);
}

/**
 * Every row of every table as text (`row::text` covers all columns, JSON and arrays included):
 * to prove a secret is stored nowhere in clear.
 */
export async function databaseText(db: DatabaseHandle): Promise<string> {
  const tables = await db.sql.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  const parts: string[] = [];
  for (const { tablename } of tables) {
    const rows = await db.sql.query<{ row: string }>(`SELECT t::text AS "row" FROM "${tablename}" t`);
    parts.push(...rows.map((r) => `${tablename}: ${r.row}`));
  }
  return parts.join("\n");
}

/**
 * A second, independent handle on the same database, standing in for another app instance:
 * its own connection pool on PostgreSQL. In-memory PGlite cannot be opened twice, so there it is
 * the same handle (close is then a no-op).
 */
export async function openSecondHandle(db: DatabaseHandle): Promise<DatabaseHandle> {
  if (db.kind !== "postgres") return { ...db, close: async () => {} };
  const [row] = await db.sql.query<{ name: string }>("SELECT current_database() AS name");
  const url = new URL(process.env.TEST_POSTGRES_URL ?? inject("postgresUrl"));
  url.pathname = `/${row!.name}`;
  return openDatabase({ kind: "postgres", url: url.toString(), poolSize: 4 });
}

/** An organization with one user in each built-in role (the admin, member and viewer added by the owner). */
export async function createOrganizationWithRoles(db: DatabaseHandle, name = "Acme") {
  const owner = await createUser(db, { name: `${name} Owner` });
  const admin = await createUser(db, { name: `${name} Admin` });
  const member = await createUser(db, { name: `${name} Member` });
  const viewer = await createUser(db, { name: `${name} Viewer` });
  const { organization } = await callerFor(db, owner).organizations.create({ name });
  for (const [user, role] of [
    [admin, "admin"],
    [member, "member"],
    [viewer, "viewer"],
  ] as const) {
    await callerFor(db, owner).organizations.members.add({ organizationId: organization.id, email: user.email, role });
  }
  return { organization, owner, admin, member, viewer };
}

const LOGGER = Symbol.for("tenancy.logger");

/**
 * Routes the process's logger (getLogger) into `lines`, one parsed JSON object per line, until
 * `restore()`; for tests that check what the server logs.
 */
export function captureLogs() {
  const holder = globalThis as unknown as Record<symbol, unknown>;
  const previous = holder[LOGGER];
  const lines: (Record<string, unknown> & { level: string; msg: string })[] = [];
  holder[LOGGER] = createLogger({ format: "json", write: (line) => lines.push(JSON.parse(line)) });
  return {
    lines,
    restore() {
      holder[LOGGER] = previous;
    },
  };
}
