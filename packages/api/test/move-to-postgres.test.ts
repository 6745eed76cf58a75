import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import nodemailer from "nodemailer";
import { afterAll, describe, expect, inject, it } from "vitest";

import { CopyRefusedError } from "@tenancy/db/copy";
import { openDatabase, type DatabaseHandle } from "@tenancy/db/connect";
import { moveEmbeddedToPostgres } from "@tenancy/db/move-to-postgres";

import { createAuth, sessionUserFromHeaders } from "../src/auth/auth";
import { acceptedSecrets } from "../src/config";
import { deliverDueEmails, nodemailerTransport } from "../src/services/emailDelivery";
import {
  callerFor,
  callerForBearer,
  createOrganizationWithRoles,
  createUser,
  failureOf,
  testConfig,
  type TestUser,
} from "./harness";

/**
 * The operator's path off the embedded default: a PGlite data directory filled through the real
 * API, moved with `moveEmbeddedToPostgres` (what `pnpm db:move-to-postgres` runs), then read back
 * through the router on PostgreSQL. Needs both databases, so it runs in the postgres project only.
 */

const BASE_URL = "http://tenancy.test";
const temp = mkdtempSync(path.join(os.tmpdir(), "tenancy-move-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

async function emptyPostgresDatabase(): Promise<string> {
  const serverUrl = process.env.TEST_POSTGRES_URL ?? inject("postgresUrl");
  const name = `moved_${process.pid}_${Date.now()}`;
  const admin = await openDatabase({ kind: "postgres", url: serverUrl, poolSize: 1 });
  await admin.sql.exec(`CREATE DATABASE ${name}`);
  await admin.close();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const jsonMailer = () =>
  nodemailerTransport(nodemailer.createTransport({ jsonTransport: true }), { from: "Tenancy <no-reply@tenancy.test>" });

/** Fills the embedded database the way users would: through the router and Better Auth. */
async function populate(db: DatabaseHandle) {
  const team = await createOrganizationWithRoles(db, "Acme");
  const { organization: acme, owner, admin } = team;
  const asOwner = callerFor(db, owner);
  await asOwner.organizations.update({ organizationId: acme.id, description: "Rockets & more" });

  // Invitations: one pending (its addressee has an account), one revoked, one accepted.
  const newcomer = await createUser(db, { name: "Newcomer", email: "newcomer@example.com" });
  const pending = await asOwner.organizations.invitations.create({
    organizationId: acme.id,
    email: newcomer.email,
    role: "admin",
    message: "Welcome aboard — \"quotes\", 'apostrophes' and ünïcode",
  });
  const revoked = await asOwner.organizations.invitations.create({
    organizationId: acme.id,
    email: "gone@example.com",
  });
  await asOwner.organizations.invitations.revoke({ organizationId: acme.id, id: revoked.invitation.id });
  const invitee = await createUser(db, { name: "Invitee", email: "invitee@example.com" });
  const accepted = await asOwner.organizations.invitations.create({ organizationId: acme.id, email: invitee.email });
  await callerFor(db, invitee).organizations.invitations.accept({ token: accepted.token });

  // A join code used once, another revoked.
  const code = await asOwner.organizations.joinCodes.create({ organizationId: acme.id, maxUses: 5, role: "viewer" });
  await callerFor(db, await createUser(db, { name: "Joiner" })).organizations.joinCodes.join({ code: code.code });
  const spent = await asOwner.organizations.joinCodes.create({ organizationId: acme.id });
  await asOwner.organizations.joinCodes.revoke({ organizationId: acme.id, id: spent.joinCode.id });

  // API tokens: one in use, one revoked.
  const token = await asOwner.organizations.tokens.create({ organizationId: acme.id, name: "backend" });
  await (await callerForBearer(db, token.apiToken.bearer)).organizations.get({ organizationId: acme.id });
  const oldToken = await asOwner.organizations.tokens.create({ organizationId: acme.id, name: "old", env: "test" });
  await asOwner.organizations.tokens.revoke({ organizationId: acme.id, id: oldToken.apiToken.id });

  // Another organization, and one deleted (its audit trail stays).
  const { organization: beta } = await callerFor(db, admin).organizations.create({ name: "Beta", handle: "beta-co" });
  const { organization: doomed } = await asOwner.organizations.create({ name: "Doomed" });
  await asOwner.organizations.delete({ organizationId: doomed.id });

  // A real account and session through Better Auth (users, accounts, sessions, its rate limits).
  const auth = createAuth({ db: db.prisma, secrets: testConfig.secrets, baseURL: BASE_URL, rateLimit: true });
  const signUp = await auth.handler(
    new Request(`${BASE_URL}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: BASE_URL, "x-forwarded-for": "198.51.100.7" },
      body: JSON.stringify({ name: "Signed Up", email: "signed-up@example.com", password: "correct horse battery" }),
    }),
  );
  expect(signUp.status).toBe(200);
  const cookie = signUp.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .join("; ");

  // The outbox: one email delivered, the others still waiting.
  await deliverDueEmails(db.prisma, {
    secrets: testConfig.secrets.current,
    transport: jsonMailer(),
    policy: { batchSize: 1 },
    log: () => {},
  });

  return { ...team, acme, beta, doomed, newcomer, pending, code, token, oldToken, cookie };
}
type Populated = Awaited<ReturnType<typeof populate>>;

/** The read side of the API suite, for several kinds of caller; the same answers are expected after the move. */
async function readChecks(db: DatabaseHandle, p: Populated, outsider: TestUser) {
  const asOwner = callerFor(db, p.owner);
  const firstPage = await asOwner.organizations.members.list({ organizationId: p.acme.id, limit: 2 });
  return {
    list: await asOwner.organizations.list(),
    activeOnly: await callerFor(db, p.admin).organizations.list({ activeOnly: true }),
    get: await asOwner.organizations.get({ organizationId: p.acme.id }),
    getByHandle: await callerFor(db, p.viewer).organizations.get({ organizationId: p.acme.handle }),
    roles: await asOwner.organizations.roles(),
    handleTaken: await asOwner.organizations.handleAvailability({ handle: "beta-co" }),
    members: await asOwner.organizations.members.list({ organizationId: p.acme.id, limit: 50 }),
    membersSearch: await callerFor(db, p.member).organizations.members.list({
      organizationId: p.acme.id,
      search: "adm",
    }),
    membersPages: [
      firstPage,
      await asOwner.organizations.members.list({
        organizationId: p.acme.id,
        limit: 2,
        cursor: firstPage.nextCursor ?? undefined,
      }),
    ],
    memberships: await callerFor(db, p.member).organizations.memberships.listByUser(),
    membership: await callerFor(db, p.viewer).organizations.memberships.get({
      userId: p.viewer.userId,
      organizationId: p.acme.id,
    }),
    invitations: await asOwner.organizations.invitations.list({ organizationId: p.acme.id, sortField: "email" }),
    invitationsFiltered: await asOwner.organizations.invitations.list({
      organizationId: p.acme.id,
      filterField: "email",
      filter: "*@example.com",
    }),
    mine: await callerFor(db, p.newcomer).organizations.invitations.mine(),
    preview: await callerFor(db, null).organizations.invitations.preview({ token: p.pending.token }),
    joinCodes: await asOwner.organizations.joinCodes.list({ organizationId: p.acme.id }),
    tokens: await asOwner.organizations.tokens.list({ organizationId: p.acme.id }),
    audit: await asOwner.organizations.audit.list({ organizationId: p.acme.id, limit: 100 }),
    betaAudit: await callerFor(db, p.admin).organizations.audit.list({ organizationId: p.beta.id }),
    notAMember: await failureOf(callerFor(db, outsider).organizations.get({ organizationId: p.acme.id })),
    deleted: await failureOf(asOwner.organizations.get({ organizationId: p.doomed.id })),
    viewerCannotInvite: await failureOf(
      callerFor(db, p.viewer).organizations.invitations.list({ organizationId: p.acme.id }),
    ),
  };
}

const POPULATED_BY_THE_API = [
  "account",
  "api_token",
  "audit_event",
  "auth_rate_limit",
  "email_outbox",
  "invitation",
  "join_code",
  "join_code_redemption",
  "membership",
  "organization",
  "rate_limit_bucket",
  "session",
  "user",
];

describe.skipIf(process.env.TEST_DB !== "postgres")("moving a populated embedded database to PostgreSQL", () => {
  it("copies everything, answers every read the same, and carries on writing where the embedded one stopped", async () => {
    const sourceDir = path.join(temp, "pglite");
    const source = await openDatabase({ kind: "pglite", dataDir: sourceDir });
    await source.migrate();
    const populated = await populate(source);
    const outsider = await createUser(source, { name: "Outsider" });
    const before = await readChecks(source, populated, outsider);
    const counts = Object.fromEntries(
      await Promise.all(
        POPULATED_BY_THE_API.map(
          async (table) =>
            [
              table,
              Number((await source.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`))[0]!.n),
            ] as const,
        ),
      ),
    );
    const lastAuditId = (await source.prisma.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } })).id;
    const waiting = await source.prisma.emailOutbox.count({ where: { status: "pending" } });
    await source.close();

    const targetUrl = await emptyPostgresDatabase();
    const lines: string[] = [];
    const report = await moveEmbeddedToPostgres({ sourceDir, targetUrl, log: (l) => lines.push(l) });
    for (const table of POPULATED_BY_THE_API) {
      expect(counts[table], table).toBeGreaterThan(0);
      expect(report.tables.find((t) => t.name === table)?.rows, table).toBe(counts[table]);
    }
    expect(report.tables.map((t) => t.name)).toEqual(expect.arrayContaining(POPULATED_BY_THE_API));
    expect(lines.filter((l) => l.includes("verified"))).toHaveLength(report.tables.length);

    const target = await openDatabase({ kind: "postgres", url: targetUrl, poolSize: 4 });
    try {
      expect(await readChecks(target, populated, outsider)).toEqual(before);

      // Credentials made on the embedded database work on PostgreSQL.
      const viaToken = await callerForBearer(target, populated.token.apiToken.bearer);
      expect((await viaToken.organizations.get({ organizationId: populated.acme.id })).organization.id).toBe(
        populated.acme.id,
      );
      expect(
        await failureOf(
          (await callerForBearer(target, populated.oldToken.apiToken.bearer)).organizations.get({
            organizationId: populated.acme.id,
          }),
        ),
      ).toMatchObject({ code: "UNAUTHORIZED" });
      const auth = createAuth({ db: target.prisma, secrets: testConfig.secrets, baseURL: BASE_URL, rateLimit: false });
      expect((await sessionUserFromHeaders(auth, new Headers({ cookie: populated.cookie })))?.email).toBe(
        "signed-up@example.com",
      );

      // Writes carry on: the one-time link and the join code from before, audit ids after the old ones.
      await callerFor(target, populated.newcomer).organizations.invitations.accept({ token: populated.pending.token });
      const latecomer = await createUser(target, { name: "Latecomer" });
      await callerFor(target, latecomer).organizations.joinCodes.join({ code: populated.code.code });
      const newest = await target.prisma.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
      expect(newest.id).toBeGreaterThan(lastAuditId);
      expect(newest.action).toBe("join_code.redeemed");

      // The email that waited in the embedded outbox goes out from PostgreSQL, under the same secret.
      const delivered = await deliverDueEmails(target.prisma, {
        secrets: acceptedSecrets(testConfig.secrets),
        transport: jsonMailer(),
        log: () => {},
      });
      expect(delivered).toMatchObject({ sent: waiting, failed: 0, released: 0 });

      // Moving again into the now non-empty database is refused, and changes nothing.
      const users = await target.prisma.user.count();
      const refusal = await moveEmbeddedToPostgres({ sourceDir, targetUrl }).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(CopyRefusedError);
      expect((refusal as Error).message).toMatch(/not empty/);
      expect(await target.prisma.user.count()).toBe(users);
    } finally {
      await target.close();
    }
  }, 180_000); // copies a whole populated database twice: minutes on a loaded 2-core machine
});
