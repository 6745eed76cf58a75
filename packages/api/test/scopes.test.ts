import { describe, expect, it } from "vitest";

import type { ApiMeta } from "../src/trpc";
import { INSTANCE_TOKEN_PERMISSIONS } from "../src/domain/instances";
import { INSTANCE_OPERATIONS, ORGANIZATION_OPERATIONS, ORGANIZATION_SCOPES } from "../src/domain/scopes";
import { appRouter } from "../src/root";
import { checksTokenScopes, resolvesInstanceAccess, resolvesOrganizationAccess } from "../src/trpc";
import {
  callerFor,
  callerForBearer,
  countRows,
  createOrganizationWithRoles,
  createUser,
  databaseText,
  failureOf,
  useTestDatabase,
} from "./harness";

// One scope table (domain/scopes.ts), one check (trpc.ts assertTokenScopes, in authedProcedure):
// this walks the router so no procedure reachable by a token escapes the table, and no table entry
// names a procedure that does not exist.

type AnyProcedure = Parameters<typeof checksTokenScopes>[0] & { _def: { meta?: ApiMeta } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);
const inTable = (path: string, table: object) => Object.hasOwn(table, path);

describe("every procedure declares who may call it, and the scope table covers what tokens reach", () => {
  it("declares an access level; every authenticated one goes through the one scope check", () => {
    for (const [path, procedure] of procedures) {
      const access = procedure._def.meta?.access;
      expect(access, path).toBeDefined();
      if (access !== "public") expect(checksTokenScopes(procedure), path).toBe(true);
    }
  });

  it("organization procedures: a permission, the org access builder and an organization scope", () => {
    const org = procedures.filter(([, p]) => p._def.meta?.access === "org");
    expect(org.length).toBeGreaterThan(20);
    for (const [path, procedure] of org) {
      expect(procedure._def.meta?.permission, path).toBeDefined();
      expect(resolvesOrganizationAccess(procedure), path).toBe(true);
      expect(inTable(path, ORGANIZATION_OPERATIONS), `${path} is missing from ORGANIZATION_OPERATIONS`).toBe(true);
    }
  });

  it("instance procedures: an instance permission, the instance builder, and a scope exactly when tokens may", () => {
    const instance = procedures.filter(([, p]) => p._def.meta?.access === "instance");
    expect(instance.length).toBeGreaterThan(10);
    for (const [path, procedure] of instance) {
      const permission = procedure._def.meta?.instancePermission;
      expect(permission, path).toBeDefined();
      expect(resolvesInstanceAccess(procedure), path).toBe(true);
      expect(inTable(path, INSTANCE_OPERATIONS), `${path}: scope entry vs. token permission`).toBe(
        INSTANCE_TOKEN_PERMISSIONS.includes(permission!),
      );
    }
  });

  it("procedures any caller reaches (authed) have a scope; user-only ones have none", () => {
    for (const [path, procedure] of procedures) {
      const access = procedure._def.meta?.access;
      const scoped = inTable(path, ORGANIZATION_OPERATIONS) || inTable(path, INSTANCE_OPERATIONS);
      if (access === "authed") expect(scoped, `${path} is reachable by tokens but has no scope`).toBe(true);
      if (access === "public" || access === "user" || access === "session" || access === "operator") {
        expect(scoped, `${path} is never reached by a token: a scope for it would be dead`).toBe(false);
      }
    }
  });

  it("every table entry names a procedure of the router", () => {
    const paths = new Set(procedures.map(([path]) => path));
    for (const path of [...Object.keys(ORGANIZATION_OPERATIONS), ...Object.keys(INSTANCE_OPERATIONS)]) {
      expect(paths.has(path), path).toBe(true);
    }
  });
});

const db = useTestDatabase();

async function orgTokenCaller(scopes?: string[]) {
  const f = await createOrganizationWithRoles(db);
  const { apiToken } = await callerFor(db, f.owner).organizations.tokens.create({
    organizationId: f.organization.id,
    ...(scopes ? { scopes } : {}),
  });
  return { ...f, organizationId: f.organization.id, apiToken, caller: await callerForBearer(db, apiToken.bearer) };
}

describe("organization API token scopes", () => {
  it("a token without scopes keeps every power org tokens had", async () => {
    const { caller, organizationId, apiToken } = await orgTokenCaller();
    expect(apiToken.scopes).toEqual([]);
    await caller.organizations.members.list({ organizationId });
    await caller.organizations.invitations.create({ organizationId, email: "noscope@example.com" });
    await caller.organizations.update({ organizationId, name: "Renamed" });
  });

  it("reaches what its scopes accept, and gets insufficient_scope naming the scopes that would do", async () => {
    const { caller, organizationId, apiToken, owner } = await orgTokenCaller(["members.read", "invitations.create"]);
    expect(apiToken.scopes).toEqual(["members.read", "invitations.create"]);
    await caller.organizations.members.list({ organizationId });
    await caller.organizations.invitations.create({ organizationId, email: "scoped@example.com" });

    const refused = await failureOf(caller.organizations.invitations.list({ organizationId }));
    expect(refused).toMatchObject({ code: "FORBIDDEN", reason: "insufficient_scope" });
    expect(refused.details).toEqual({
      acceptedScopes: [
        "all.Organization",
        "all.Organization.read",
        "invitations.*",
        "invitations.read",
        "invitations.list",
      ],
    });
    const write = await failureOf(caller.organizations.members.add({ organizationId, email: owner.email }));
    expect(write.reason).toBe("insufficient_scope");
    expect(write.details).toEqual({ acceptedScopes: ["all.Organization", "members.*", "members.add"] });
    // Nothing was written by the refused calls.
    expect(await countRows(db, "invitation", `"organizationId" = $1`, [organizationId])).toBe(1);
  });

  it("read scopes read and never write", async () => {
    const { caller, organizationId } = await orgTokenCaller(["all.Organization.read"]);
    await caller.organizations.get({ organizationId });
    await caller.organizations.members.list({ organizationId });
    await caller.organizations.audit.list({ organizationId });
    expect((await failureOf(caller.organizations.update({ organizationId, name: "No" }))).reason).toBe(
      "insufficient_scope",
    );
  });

  it("scopes are validated at minting, listed, and audited", async () => {
    const f = await createOrganizationWithRoles(db);
    const owner = callerFor(db, f.owner).organizations;
    const bad = await failureOf(owner.tokens.create({ organizationId: f.organization.id, scopes: ["all.Instance"] }));
    expect(bad).toMatchObject({ code: "BAD_REQUEST", reason: "invalid_input" });
    await owner.tokens.create({ organizationId: f.organization.id, scopes: ["members.*", "members.*"] });
    const { apiTokens } = await owner.tokens.list({ organizationId: f.organization.id });
    expect(apiTokens.map((t) => t.scopes)).toEqual([["members.*"]]);
    const { events } = await owner.audit.list({ organizationId: f.organization.id });
    expect(events.find((e) => e.action === "api_token.created")?.metadata).toMatchObject({ scopes: "members.*" });
    for (const scope of ORGANIZATION_SCOPES) expect(scope).toMatch(/^[A-Za-z]+\.([A-Za-z]+|\*)(\.read)?$/);
  });
});

describe("personal access tokens (user tokens)", () => {
  it("are shown once, stored hashed, and act as their user on user-level procedures", async () => {
    const user = await createUser(db);
    const { userToken } = await callerFor(db, user).userTokens.create({ name: "script" });
    expect(userToken.key).toMatch(/^tnc_user_/);
    expect(userToken.bearer).toBe(`${userToken.key}:${userToken.secret}`);
    expect(await databaseText(db)).not.toContain(userToken.secret);
    const { userTokens } = await callerFor(db, user).userTokens.list();
    expect(userTokens).toHaveLength(1);
    expect(JSON.stringify(userTokens)).not.toContain(userToken.secret);

    const script = await callerForBearer(db, userToken.bearer);
    const { organization } = await script.organizations.create({ name: "Scripted" });
    const { organizations } = await script.organizations.list();
    expect(organizations.map((o) => o.id)).toEqual([organization.id]);

    // An invitation accepted by script.
    const inviter = await createUser(db);
    const other = await callerFor(db, inviter).organizations.create({ name: "Other" });
    const { token } = await callerFor(db, inviter).organizations.invitations.create({
      organizationId: other.organization.id,
      email: user.email,
    });
    await script.organizations.invitations.accept({ token });
    expect((await script.organizations.list()).organizations).toHaveLength(2);
  });

  it("cannot mint more of themselves; are refused at once after revocation, and after expiry", async () => {
    const user = await createUser(db);
    const { userToken } = await callerFor(db, user).userTokens.create({ name: "script" });
    const script = await callerForBearer(db, userToken.bearer);
    expect(await failureOf(script.userTokens.create({ name: "more" }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "session_required",
    });
    await script.userTokens.revoke({ id: userToken.id });
    expect(await failureOf((await callerForBearer(db, userToken.bearer)).organizations.list())).toMatchObject({
      code: "UNAUTHORIZED",
      reason: "invalid_api_token",
    });
    // Someone else's token is not found; revoking twice is fine.
    await callerFor(db, user).userTokens.revoke({ id: userToken.id });
    const stranger = await createUser(db);
    expect((await failureOf(callerFor(db, stranger).userTokens.revoke({ id: userToken.id }))).reason).toBe(
      "api_token_not_found",
    );

    const expiring = await callerFor(db, user).userTokens.create({
      name: "short",
      expiresAt: new Date(Date.now() + 60_000),
    });
    await db.prisma.userToken.update({
      where: { id: expiring.userToken.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await failureOf((await callerForBearer(db, expiring.userToken.bearer)).organizations.list())).reason).toBe(
      "invalid_api_token",
    );
  });

  it("refuse an expiry in the past at minting", async () => {
    const user = await createUser(db);
    const failure = await failureOf(
      callerFor(db, user).userTokens.create({ name: "dead", expiresAt: new Date(Date.now() - 60_000) }),
    );
    expect(failure).toMatchObject({ code: "BAD_REQUEST", reason: "invalid_input" });
    expect(failure.fieldErrors?.expiresAt).toEqual(["The expiry must be in the future"]);
  });

  it("are not org or instance tokens: a user token's key in an org bearer's place is refused", async () => {
    const user = await createUser(db);
    const { userToken } = await callerFor(db, user).userTokens.create({ name: "script" });
    const forged = `tnc_live_${userToken.key.slice("tnc_user_".length)}:${userToken.secret}`;
    expect((await failureOf((await callerForBearer(db, forged)).organizations.list())).reason).toBe(
      "invalid_api_token",
    );
  });
});
