import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";

import { normalizeCode, sha256Hex } from "../src/services/secrets";
import {
  callerFor,
  callerForBearer,
  captureLogs,
  createOrganizationWithRoles,
  createUser,
  databaseText,
  failureOf,
  useTestDatabase,
} from "./harness";

const db = useTestDatabase();

// Everything the API logs (its logger) or writes to the console while a test runs, to prove secrets
// are never logged.
const consoleMethods = ["log", "info", "warn", "error", "debug"] as const;
let consoleSpies: MockInstance[] = [];
let logs: ReturnType<typeof captureLogs> | undefined;
beforeEach(() => {
  consoleSpies = consoleMethods.map((method) => vi.spyOn(console, method));
  logs = captureLogs();
});
afterEach(() => {
  for (const spy of consoleSpies) spy.mockRestore();
  logs?.restore();
});
function consoleOutput(): string {
  return [
    ...consoleSpies.flatMap((spy) =>
      spy.mock.calls.map((args) =>
        args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(" "),
      ),
    ),
    ...(logs?.lines ?? []).map((line) => JSON.stringify(line)),
  ].join("\n");
}

describe("secrets at rest", () => {
  it("invitation tokens, join codes and API-token secrets are stored only as their SHA-256 hex", async () => {
    const { organization, owner, admin } = await createOrganizationWithRoles(db, "Secretive");
    const organizationId = organization.id;
    const asOwner = callerFor(db, owner);
    const asAdmin = callerFor(db, admin);
    const invitee = await createUser(db, { email: "invitee@example.com" });
    const stranger = await createUser(db, { email: "stranger@example.com" });
    const joiner = await createUser(db);

    // API tokens: one used, one revoked.
    const live = (await asOwner.organizations.tokens.create({ organizationId, name: "ci" })).apiToken;
    const revokedToken = (await asOwner.organizations.tokens.create({ organizationId, name: "old", env: "test" }))
      .apiToken;
    await asOwner.organizations.tokens.revoke({ organizationId, id: revokedToken.id });
    const asToken = await callerForBearer(db, live.bearer);
    expect((await asToken.organizations.get({ organizationId })).organization.id).toBe(organizationId);
    expect(
      await failureOf((await callerForBearer(db, revokedToken.bearer)).organizations.get({ organizationId })),
    ).toMatchObject({ code: "UNAUTHORIZED" });

    // Invitations: pending, superseded, resent, accepted, declined, revoked, one created by the API token.
    const superseded = await asAdmin.organizations.invitations.create({
      organizationId,
      email: invitee.email,
      role: "viewer",
    });
    const accepted = await asAdmin.organizations.invitations.create({
      organizationId,
      email: invitee.email,
      role: "admin",
    });
    await failureOf(callerFor(db, stranger).organizations.invitations.accept({ token: accepted.token }));
    await callerFor(db, invitee).organizations.invitations.accept({ token: accepted.token });
    const declined = await asAdmin.organizations.invitations.create({ organizationId, email: stranger.email });
    await callerFor(db, stranger).organizations.invitations.decline({ token: declined.token });
    const original = await asAdmin.organizations.invitations.create({ organizationId, email: "later@example.com" });
    const resent = await asAdmin.organizations.invitations.resend({ organizationId, id: original.invitation.id });
    const revokedInvite = await asAdmin.organizations.invitations.create({ organizationId, email: "gone@example.com" });
    await asAdmin.organizations.invitations.revoke({ organizationId, id: revokedInvite.invitation.id });
    const byToken = await asToken.organizations.invitations.create({
      organizationId,
      email: "robot-invited@example.com",
      message: "from CI",
    });
    await callerFor(db, null).organizations.invitations.preview({ token: byToken.token });

    // Join codes: used (typed sloppily), exhausted, revoked, untouched.
    const used = await asAdmin.organizations.joinCodes.create({ organizationId, maxUses: 1 });
    await callerFor(db, joiner).organizations.joinCodes.join({ code: ` ${used.code.toLowerCase().replace("-", "")} ` });
    await failureOf(callerFor(db, await createUser(db)).organizations.joinCodes.join({ code: used.code }));
    const revokedCode = await asAdmin.organizations.joinCodes.create({ organizationId });
    await asAdmin.organizations.joinCodes.revoke({ organizationId, id: revokedCode.joinCode.id });
    const untouched = await asToken.organizations.joinCodes.create({ organizationId, role: "viewer" });

    const invitationTokens = [superseded, accepted, declined, original, resent, revokedInvite, byToken].map(
      (i) => i.token,
    );
    const joinCodes = [used, revokedCode, untouched].map((c) => c.code);
    const apiSecrets = [live, revokedToken].map((t) => t.secret);
    expect(new Set([...invitationTokens, ...joinCodes, ...apiSecrets]).size).toBe(12);

    const everything = await databaseText(db);
    // The dump really covers the tables holding these secrets (and the queued emails).
    for (const table of ["invitation", "join_code", "api_token", "email_outbox", "audit_event", "rate_limit_bucket"]) {
      expect(everything, table).toMatch(new RegExp(`^${table}: `, "m"));
    }
    for (const token of invitationTokens) {
      expect(everything).not.toContain(token);
      expect(everything).toContain(sha256Hex(token));
    }
    for (const code of joinCodes) {
      expect(everything).not.toContain(code);
      expect(everything).not.toContain(normalizeCode(code));
      expect(everything.toUpperCase()).not.toContain(normalizeCode(code));
      expect(everything).toContain(sha256Hex(normalizeCode(code)));
    }
    for (const { secret, bearer, key } of [live, revokedToken]) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(bearer);
      expect(everything).toContain(sha256Hex(secret));
      // The key is a public identifier and is meant to be stored.
      expect(everything).toContain(key);
    }

    // Nor do the list endpoints hand out a secret or its hash.
    const listed = JSON.stringify([
      await asOwner.organizations.invitations.list({ organizationId }),
      await asOwner.organizations.joinCodes.list({ organizationId }),
      await asOwner.organizations.tokens.list({ organizationId }),
      await callerFor(db, invitee).organizations.invitations.mine(),
    ]);
    for (const secret of [...invitationTokens, ...joinCodes, ...apiSecrets]) expect(listed).not.toContain(secret);
    for (const hash of [...invitationTokens, ...apiSecrets].map(sha256Hex)) expect(listed).not.toContain(hash);
    for (const hash of joinCodes.map((c) => sha256Hex(normalizeCode(c)))) expect(listed).not.toContain(hash);

    // And none of it was written to the console.
    const logged = consoleOutput();
    for (const secret of [...invitationTokens, ...joinCodes, ...apiSecrets]) expect(logged).not.toContain(secret);
  });
});
