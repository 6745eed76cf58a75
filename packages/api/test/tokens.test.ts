import { createHash, randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import {
  bearerContext,
  callerFor,
  callerForBearer,
  countRows,
  createOrganizationWithRoles,
  createUser,
  failureOf,
  useTestDatabase,
} from "./harness";

const db = useTestDatabase();

const sha256Hex = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");

describe("tokens.create", () => {
  it("returns key, secret, lastFour and the bearer `<key>:<secret>` once", async () => {
    const { organization, owner, admin } = await createOrganizationWithRoles(db);
    const { apiToken } = await callerFor(db, owner).organizations.tokens.create({
      organizationId: organization.id,
      name: "ci",
    });
    expect(apiToken.key).toMatch(/^tnc_live_[0-9a-z]+$/);
    expect(apiToken.secret.length).toBeGreaterThanOrEqual(32);
    expect(apiToken.lastFour).toBe(apiToken.secret.slice(-4));
    expect(apiToken.bearer).toBe(`${apiToken.key}:${apiToken.secret}`);
    expect(apiToken).toMatchObject({ name: "ci", env: "live", lastUsedAt: null, revokedAt: null });

    const test = (
      await callerFor(db, admin).organizations.tokens.create({ organizationId: organization.id, env: "test" })
    ).apiToken;
    expect(test.key).toMatch(/^tnc_test_/);
    expect(test.name).toBeNull();
    expect(test.key).not.toBe(apiToken.key);
    expect(test.secret).not.toBe(apiToken.secret);
  });

  it("stores only the SHA-256 of the secret", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const { apiToken } = await callerFor(db, owner).organizations.tokens.create({
      organizationId: organization.id,
      name: "ci",
    });
    const rows = await db.sql.query<Record<string, unknown>>(`SELECT * FROM api_token`);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(apiToken.secret);
    expect(rows[0]!.secretHash).toBe(sha256Hex(apiToken.secret));
    // Nor does the secret land in the audit trail.
    const audit = await db.sql.query<Record<string, unknown>>(`SELECT * FROM audit_event`);
    expect(JSON.stringify(audit)).not.toContain(apiToken.secret);
  });

  it("needs tokens:manage: a member or viewer gets FORBIDDEN, an outsider NOT_FOUND", async () => {
    const { organization, member, viewer } = await createOrganizationWithRoles(db);
    for (const user of [member, viewer]) {
      const failure = await failureOf(
        callerFor(db, user).organizations.tokens.create({ organizationId: organization.id }),
      );
      expect(failure).toMatchObject({ code: "FORBIDDEN", reason: "permission_denied" });
    }
    const outsider = await failureOf(
      callerFor(db, await createUser(db)).organizations.tokens.create({ organizationId: organization.id }),
    );
    expect(outsider).toMatchObject({ code: "NOT_FOUND" });
    expect(await countRows(db, "api_token")).toBe(0);
  });
});

describe("tokens.list", () => {
  it("lists the organization's tokens without secrets or hashes", async () => {
    const { organization, owner, member } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner);
    const a = (await asOwner.organizations.tokens.create({ organizationId: organization.id, name: "a" })).apiToken;
    const b = (await asOwner.organizations.tokens.create({ organizationId: organization.id, name: "b" })).apiToken;
    const { organization: other } = await asOwner.organizations.create({ name: "Other" });
    await asOwner.organizations.tokens.create({ organizationId: other.id, name: "other" });

    const { apiTokens } = await asOwner.organizations.tokens.list({ organizationId: organization.id });
    expect(apiTokens.map((t) => t.name).sort()).toEqual(["a", "b"]);
    for (const token of apiTokens) {
      expect(Object.keys(token).sort()).toEqual([
        "createdAt",
        "env",
        "id",
        "key",
        "lastFour",
        "lastUsedAt",
        "name",
        "revokedAt",
        "scopes",
      ]);
    }
    const serialized = JSON.stringify(apiTokens);
    for (const secret of [a.secret, b.secret]) {
      expect(serialized).not.toContain(secret);
      expect(serialized).not.toContain(sha256Hex(secret));
    }
    expect(
      await failureOf(callerFor(db, member).organizations.tokens.list({ organizationId: organization.id })),
    ).toMatchObject({
      code: "FORBIDDEN",
    });
  });
});

describe("tokens.revoke", () => {
  it("refuses the bearer at once; revoking twice is fine; other tokens keep working", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner);
    const doomed = (await asOwner.organizations.tokens.create({ organizationId: organization.id, name: "doomed" }))
      .apiToken;
    const kept = (await asOwner.organizations.tokens.create({ organizationId: organization.id, name: "kept" }))
      .apiToken;
    const asDoomed = await callerForBearer(db, doomed.bearer);
    expect((await asDoomed.organizations.get({ organizationId: organization.id })).organization.id).toBe(
      organization.id,
    );

    await asOwner.organizations.tokens.revoke({ organizationId: organization.id, id: doomed.id });
    const context = await bearerContext(db, doomed.bearer);
    expect(context.actor).toBeNull();
    expect(context.authError).toMatchObject({ kind: "unauthenticated" });
    const failure = await failureOf(
      (await callerForBearer(db, doomed.bearer)).organizations.get({ organizationId: organization.id }),
    );
    expect(failure.code).toBe("UNAUTHORIZED");

    expect(await asOwner.organizations.tokens.revoke({ organizationId: organization.id, id: doomed.id })).toEqual({
      ok: true,
    });
    // Revoked tokens are hidden by default, counted, and listed on request.
    const listed = await asOwner.organizations.tokens.list({ organizationId: organization.id });
    expect(listed.apiTokens.map((t) => t.id)).toEqual([kept.id]);
    expect(listed.revokedCount).toBe(1);
    const everything = await asOwner.organizations.tokens.list({
      organizationId: organization.id,
      includeRevoked: true,
    });
    expect(everything.apiTokens.find((t) => t.id === doomed.id)?.revokedAt).toBeInstanceOf(Date);
    expect(everything.apiTokens.find((t) => t.id === kept.id)?.revokedAt).toBeNull();
    expect(everything.revokedCount).toBe(1);
    expect(
      (await (await callerForBearer(db, kept.bearer)).organizations.get({ organizationId: organization.id }))
        .organization.id,
    ).toBe(organization.id);
  });

  it("answers NOT_FOUND api_token_not_found for another organization's token", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner);
    const { organization: other } = await asOwner.organizations.create({ name: "Other" });
    const foreign = (await asOwner.organizations.tokens.create({ organizationId: other.id })).apiToken;
    const failure = await failureOf(
      asOwner.organizations.tokens.revoke({ organizationId: organization.id, id: foreign.id }),
    );
    expect(failure).toMatchObject({ code: "NOT_FOUND", reason: "api_token_not_found" });
    expect((await bearerContext(db, foreign.bearer)).actor).not.toBeNull();
    expect(
      await failureOf(asOwner.organizations.tokens.revoke({ organizationId: organization.id, id: randomUUID() })),
    ).toMatchObject({
      reason: "api_token_not_found",
    });
  });
});

describe("authenticating with a token", () => {
  it("refuses a wrong secret, an unknown key and a malformed header", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const { apiToken } = await callerFor(db, owner).organizations.tokens.create({ organizationId: organization.id });
    for (const bearer of [
      `${apiToken.key}:${apiToken.secret}x`,
      `${apiToken.key}:${apiToken.secret.slice(0, -1)}`,
      `tnc_live_nope:${apiToken.secret}`,
      apiToken.key,
      `:${apiToken.secret}`,
    ]) {
      const context = await bearerContext(db, bearer);
      expect(context.actor, bearer).toBeNull();
      expect(context.authError?.kind, bearer).toBe("unauthenticated");
      const failure = await failureOf(
        (await callerForBearer(db, bearer)).organizations.get({ organizationId: organization.id }),
      );
      expect(failure.code, bearer).toBe("UNAUTHORIZED");
    }
  });

  it("acts on its own organization only: another organization is NOT_FOUND", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner);
    const { organization: other } = await asOwner.organizations.create({ name: "Other" });
    const { apiToken } = await asOwner.organizations.tokens.create({ organizationId: organization.id });
    const asToken = await callerForBearer(db, apiToken.bearer);
    for (const ref of [other.id, other.handle]) {
      const failure = await failureOf(asToken.organizations.get({ organizationId: ref }));
      expect(failure).toMatchObject({ code: "NOT_FOUND", reason: "organization_not_found" });
      expect(await failureOf(asToken.organizations.members.list({ organizationId: ref }))).toMatchObject({
        code: "NOT_FOUND",
      });
      expect(await failureOf(asToken.organizations.update({ organizationId: ref, name: "Hijacked" }))).toMatchObject({
        code: "NOT_FOUND",
      });
    }
    expect(await failureOf(asToken.organizations.get({ organizationId: "no-such-org" }))).toEqual(
      await failureOf(asToken.organizations.get({ organizationId: other.handle })),
    );
    expect((await asOwner.organizations.get({ organizationId: other.id })).organization.name).toBe("Other");
    // Its organization list is its own organization.
    expect((await asToken.organizations.list()).organizations.map((o) => o.id)).toEqual([organization.id]);
  });

  it("can read, update the organization and manage non-owner members", async () => {
    const { organization, owner, member } = await createOrganizationWithRoles(db);
    const { apiToken } = await callerFor(db, owner).organizations.tokens.create({
      organizationId: organization.id,
      name: "ci",
    });
    const asToken = await callerForBearer(db, apiToken.bearer);

    const got = await asToken.organizations.get({ organizationId: organization.handle });
    expect(got).toMatchObject({ role: null, memberCount: 4 });
    expect((await asToken.organizations.members.list({ organizationId: organization.id })).totalCount).toBe(4);
    expect(
      (await asToken.organizations.update({ organizationId: organization.id, name: "Renamed by CI" })).organization
        .name,
    ).toBe("Renamed by CI");

    const bob = await createUser(db);
    // An admin could mint tokens: a token (which cannot) may not make one (the grant rule).
    expect(
      await failureOf(
        asToken.organizations.members.add({ organizationId: organization.id, email: bob.email, role: "admin" }),
      ),
    ).toMatchObject({ code: "FORBIDDEN", reason: "permission_escalation", details: { missing: ["tokens:manage"] } });
    await asToken.organizations.members.add({ organizationId: organization.id, email: bob.email, role: "member" });
    await asToken.organizations.members.setRole({
      organizationId: organization.id,
      userId: member.userId,
      role: "viewer",
    });
    await asToken.organizations.members.remove({ organizationId: organization.id, userId: bob.userId });
    const roles = await callerFor(db, owner).organizations.members.list({ organizationId: organization.id });
    expect(roles.members.map((m) => [m.userId, m.role])).toContainEqual([member.userId, "viewer"]);
    expect(roles.members.map((m) => m.userId)).not.toContain(bob.userId);
    expect((await asToken.organizations.audit.list({ organizationId: organization.id })).events[0]!.action).toBe(
      "member.removed",
    );
  });

  it("cannot mint or list tokens, delete the organization, touch owners, create organizations or leave", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const { apiToken } = await callerFor(db, owner).organizations.tokens.create({ organizationId: organization.id });
    const asToken = await callerForBearer(db, apiToken.bearer);
    const ref = { organizationId: organization.id };

    expect(await failureOf(asToken.organizations.tokens.create(ref))).toMatchObject({
      code: "FORBIDDEN",
      reason: "permission_denied",
    });
    expect(await failureOf(asToken.organizations.tokens.list(ref))).toMatchObject({ code: "FORBIDDEN" });
    expect(await failureOf(asToken.organizations.tokens.revoke({ ...ref, id: apiToken.id }))).toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await failureOf(asToken.organizations.delete(ref))).toMatchObject({
      code: "FORBIDDEN",
      reason: "permission_denied",
    });
    expect(
      await failureOf(asToken.organizations.members.setRole({ ...ref, userId: owner.userId, role: "member" })),
    ).toMatchObject({
      code: "FORBIDDEN",
      reason: "owner_required",
    });
    expect(await failureOf(asToken.organizations.members.remove({ ...ref, userId: owner.userId }))).toMatchObject({
      reason: "owner_required",
    });
    const bob = await createUser(db);
    expect(
      await failureOf(asToken.organizations.members.add({ ...ref, email: bob.email, role: "owner" })),
    ).toMatchObject({ reason: "owner_required" });
    expect(await failureOf(asToken.organizations.create({ name: "Nope" }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "user_required",
    });
    expect(await failureOf(asToken.organizations.members.leave(ref))).toMatchObject({
      code: "FORBIDDEN",
      reason: "user_required",
    });
    expect(await failureOf(asToken.organizations.memberships.listByUser())).toMatchObject({
      code: "FORBIDDEN",
      reason: "user_required",
    });

    expect(await countRows(db, "api_token")).toBe(1);
    expect(await countRows(db, "organization")).toBe(1);
    const members = await callerFor(db, owner).organizations.members.list(ref);
    expect(members.members.find((m) => m.userId === owner.userId)?.role).toBe("owner");
    expect(members.totalCount).toBe(4);
  });
});
