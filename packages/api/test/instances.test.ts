import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";

import { acceptedScopes, INSTANCE_OPERATIONS, INSTANCE_SCOPES, scopedOperationOf } from "../src/domain/scopes";
import { describeError } from "../src/trpc";
import { createInstanceWithRoles, instanceTokenCaller, type Caller } from "./instance-fixtures";
import { callerFor, callerForBearer, countRows, createUser, failureOf, useTestDatabase } from "./harness";

const db = useTestDatabase();

type Fixture = Awaited<ReturnType<typeof createInstanceWithRoles>> & { revocableTokenId: string };

const CALLERS = [
  "owner",
  "admin",
  "viewer",
  "orgOnly",
  "outsider",
  "tokenWithScope",
  "tokenWithoutScope",
  "orgToken",
] as const;
type CallerName = (typeof CALLERS)[number];
type Outcome = "ok" | "instance_not_found" | "permission_denied" | "insufficient_scope";

let sequence = 0;
const next = () => ++sequence;

/** Every instance procedure, a valid call of it, and who may make it. */
const PROCEDURES: {
  path: string;
  permission: "view" | "manage" | "tokens" | "own";
  call: (caller: Caller, f: Fixture) => Promise<unknown>;
}[] = [
  { path: "instances.get", permission: "view", call: (c, f) => c.instances.get({ instanceId: f.instanceId }) },
  {
    path: "instances.audit",
    permission: "view",
    call: (c, f) => c.instances.audit({ instanceId: f.instanceId, limit: 5 }),
  },
  { path: "instanceOrgs.list", permission: "view", call: (c, f) => c.instanceOrgs.list({ instanceId: f.instanceId }) },
  {
    path: "instanceOrgs.get",
    permission: "view",
    call: (c, f) => c.instanceOrgs.get({ instanceId: f.instanceId, orgId: f.organization.id }),
  },
  {
    path: "instanceOrgs.create",
    permission: "manage",
    call: (c, f) =>
      c.instanceOrgs.create({ instanceId: f.instanceId, name: `Made ${next()}`, ownerEmail: f.orgOnly.email }),
  },
  {
    path: "instanceOrgs.setActive",
    permission: "manage",
    call: (c, f) => c.instanceOrgs.setActive({ instanceId: f.instanceId, orgId: f.organization.id, active: true }),
  },
  {
    path: "instanceOrgInvites.get",
    permission: "view",
    call: (c, f) => c.instanceOrgInvites.get({ instanceId: f.instanceId, orgId: f.organization.id }),
  },
  {
    path: "instanceOrgInvites.post",
    permission: "manage",
    call: (c, f) =>
      c.instanceOrgInvites.post({
        instanceId: f.instanceId,
        orgId: f.organization.id,
        invite: { email: `invitee${next()}@example.com`, role: "member" },
      }),
  },
  {
    path: "instanceMembers.list",
    permission: "view",
    call: (c, f) => c.instanceMembers.list({ instanceId: f.instanceId }),
  },
  {
    path: "instanceMembers.add",
    permission: "own",
    call: async (c, f) => {
      const user = await createUser(db);
      return c.instanceMembers.add({ instanceId: f.instanceId, email: user.email, role: "viewer" });
    },
  },
  {
    path: "instanceMembers.setRole",
    permission: "own",
    call: (c, f) => c.instanceMembers.setRole({ instanceId: f.instanceId, userId: f.viewer.userId, role: "viewer" }),
  },
  {
    path: "instanceMembers.remove",
    permission: "own",
    call: (c, f) => c.instanceMembers.remove({ instanceId: f.instanceId, userId: f.outsider.userId }),
  },
  {
    path: "instanceTokens.create",
    permission: "tokens",
    call: (c, f) => c.instanceTokens.create({ instanceId: f.instanceId, scopes: ["instanceOrgInvites.get"] }),
  },
  {
    path: "instanceTokens.list",
    permission: "tokens",
    call: (c, f) => c.instanceTokens.list({ instanceId: f.instanceId }),
  },
  {
    path: "instanceTokens.revoke",
    permission: "tokens",
    call: (c, f) => c.instanceTokens.revoke({ instanceId: f.instanceId, id: f.revocableTokenId }),
  },
];

const ROLE_MAY: Record<"owner" | "admin" | "viewer", readonly string[]> = {
  owner: ["view", "manage", "tokens", "own"],
  admin: ["view", "manage", "tokens"],
  viewer: ["view"],
};

function expectedOutcome(path: string, permission: string, caller: CallerName): Outcome {
  switch (caller) {
    case "owner":
    case "admin":
    case "viewer":
      return ROLE_MAY[caller].includes(permission) ? "ok" : "permission_denied";
    case "orgOnly":
    case "outsider":
    case "orgToken":
      return "instance_not_found";
    case "tokenWithScope":
      // Instance tokens have no scope for minting tokens or managing instance members.
      return scopedOperationOf(path) ? "ok" : "insufficient_scope";
    case "tokenWithoutScope":
      return "insufficient_scope";
  }
}

async function outcomeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return describeError(error).reason;
  }
}

describe("every instance procedure × every kind of caller", () => {
  it("answers as the instance roles and scopes say; everyone else gets instance_not_found", async () => {
    const fixture = await createInstanceWithRoles(db);
    const { instanceToken } = await callerFor(db, fixture.owner).instanceTokens.create({
      instanceId: fixture.instanceId,
      scopes: ["all.Instance.read"],
    });
    const f: Fixture = { ...fixture, revocableTokenId: instanceToken.id };
    const results: string[] = [];
    const expected: string[] = [];
    for (const procedure of PROCEDURES) {
      const operation = scopedOperationOf(procedure.path);
      const accepting = operation ? acceptedScopes(operation) : [];
      const withScope = await instanceTokenCaller(db, f.owner, f.instanceId, [accepting.at(-1) ?? "all.Instance"]);
      const withoutScope = await instanceTokenCaller(
        db,
        f.owner,
        f.instanceId,
        INSTANCE_SCOPES.filter((scope) => !accepting.includes(scope)),
      );
      const callers: Record<CallerName, Caller> = {
        owner: callerFor(db, f.owner),
        admin: callerFor(db, f.admin),
        viewer: callerFor(db, f.viewer),
        orgOnly: callerFor(db, f.orgOnly),
        outsider: callerFor(db, f.outsider),
        tokenWithScope: withScope.caller,
        tokenWithoutScope: withoutScope.caller,
        orgToken: await callerForBearer(db, f.orgBearer),
      };
      for (const name of CALLERS) {
        results.push(`${procedure.path} as ${name}: ${await outcomeOf(procedure.call(callers[name], f))}`);
        expected.push(`${procedure.path} as ${name}: ${expectedOutcome(procedure.path, procedure.permission, name)}`);
      }
    }
    expect(results).toEqual(expected);
  });

  it("covers every instance procedure of the router", async () => {
    const { appRouter } = await import("../src/root");
    const instancePaths = Object.keys(appRouter._def.procedures).filter(
      (path) => path.startsWith("instance") && path !== "instances.list" && path !== "instances.create",
    );
    expect(PROCEDURES.map((p) => p.path).sort()).toEqual(instancePaths.sort());
  });

  it("names the scopes that would do in insufficient_scope", async () => {
    const f = await createInstanceWithRoles(db);
    const { caller } = await instanceTokenCaller(db, f.owner, f.instanceId, ["instanceMembers.list"]);
    const failure = await failureOf(
      caller.instanceOrgInvites.get({ instanceId: f.instanceId, orgId: f.organization.id }),
    );
    expect(failure).toMatchObject({ code: "FORBIDDEN", reason: "insufficient_scope" });
    expect(failure.details).toEqual({
      acceptedScopes: [
        "all.Instance",
        "all.Instance.read",
        "all.User",
        "all.User.read",
        "instanceOrgInvites.*",
        "instanceOrgInvites.get",
      ],
    });
    const post = await failureOf(
      caller.instanceOrgInvites.post({
        instanceId: f.instanceId,
        orgId: f.organization.id,
        invite: { email: "x@example.com" },
      }),
    );
    expect(post.details).toEqual({
      acceptedScopes: ["all.Instance", "all.User", "instanceOrgInvites.*", "instanceOrgInvites.post"],
    });
  });

  it("accepts each scope the seed lists, and only those, for each instance operation", async () => {
    const f = await createInstanceWithRoles(db);
    const results: string[] = [];
    const expected: string[] = [];
    // One token per scope, tried on every operation (minting is the slow part).
    for (const scope of INSTANCE_SCOPES) {
      const { caller } = await instanceTokenCaller(db, f.owner, f.instanceId, [scope]);
      for (const [path, operation] of Object.entries(INSTANCE_OPERATIONS)) {
        const procedure = PROCEDURES.find((p) => p.path === path) ?? {
          call: (c: Caller) => c.instances.list(),
        };
        results.push(
          `${path} with ${scope}: ${await outcomeOf(procedure.call(caller, { ...f, revocableTokenId: "none" }))}`,
        );
        expected.push(
          `${path} with ${scope}: ${acceptedScopes(operation).includes(scope) ? "ok" : "insufficient_scope"}`,
        );
      }
    }
    expect(results).toEqual(expected);
  });
});

describe("instances across instances", () => {
  it("a token of one instance never touches another instance, nor its organizations", async () => {
    const f = await createInstanceWithRoles(db);
    const { instance: other } = await callerFor(db, f.owner).instances.create({ name: "Partner" });
    const { organization: partnerOrg } = await callerFor(db, f.owner).instanceOrgs.create({
      instanceId: other.id,
      name: "Partner Org",
      ownerEmail: f.orgOnly.email,
    });
    const { caller: defaultToken } = await instanceTokenCaller(db, f.owner, f.instanceId, ["all.Instance"]);
    // One call at a time: calls started together reject before they are awaited (unhandled rejections).
    for (const call of [
      () => defaultToken.instances.get({ instanceId: other.id }),
      () => defaultToken.instanceOrgs.list({ instanceId: other.id }),
      () => defaultToken.instanceOrgInvites.get({ instanceId: other.id, orgId: partnerOrg.id }),
      () =>
        defaultToken.instanceOrgInvites.post({
          instanceId: other.id,
          orgId: partnerOrg.id,
          invite: { email: "nope@example.com" },
        }),
      () => defaultToken.instanceOrgs.setActive({ instanceId: other.id, orgId: partnerOrg.id, active: false }),
    ]) {
      expect(await failureOf(call())).toMatchObject({ code: "NOT_FOUND", reason: "instance_not_found" });
    }
    // Through its own instance, the other instance's organization does not exist.
    expect(
      await failureOf(defaultToken.instanceOrgInvites.get({ instanceId: f.instanceId, orgId: partnerOrg.id })),
    ).toMatchObject({ code: "NOT_FOUND", reason: "organization_not_found" });
    // Nor do instance tokens reach organization procedures.
    expect(await failureOf(defaultToken.organizations.get({ organizationId: f.organization.id }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "insufficient_scope",
    });
    expect(await countRows(db, "invitation")).toBe(0);
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: partnerOrg.id } })).active).toBe(true);
  });

  it("only owners of the default instance create instances; the creator owns the new one", async () => {
    const f = await createInstanceWithRoles(db);
    expect(await failureOf(callerFor(db, f.admin).instances.create({ name: "X" }))).toMatchObject({
      code: "FORBIDDEN",
      reason: "permission_denied",
    });
    const { instance } = await callerFor(db, f.owner).instances.create({ name: "EU" });
    expect(instance).toMatchObject({ name: "EU", isDefault: false });
    const { instances } = await callerFor(db, f.owner).instances.list();
    // The default instance first, then by name.
    expect(instances.map((i) => [i.name, i.role])).toEqual([
      ["Default", "owner"],
      ["EU", "owner"],
    ]);
    const { caller } = await instanceTokenCaller(db, f.owner, f.instanceId, ["all.Instance"]);
    expect(await failureOf(caller.instances.create({ name: "Y" }))).toMatchObject({ reason: "user_required" });
    expect((await caller.instances.list()).instances.map((i) => i.role)).toEqual(["token"]);
  });

  it("new organizations go to the default instance; instance admins create them elsewhere", async () => {
    const f = await createInstanceWithRoles(db);
    const row = await db.prisma.organization.findUniqueOrThrow({ where: { id: f.organization.id } });
    expect(row.instanceId).toBe(f.instanceId);
    const { instance } = await callerFor(db, f.owner).instances.create({ name: "EU" });
    const created = await callerFor(db, f.owner).instanceOrgs.create({
      instanceId: instance.id,
      name: "Euro Org",
      ownerEmail: f.outsider.email,
    });
    expect(created.owner).toEqual({ userId: f.outsider.userId, email: f.outsider.email });
    expect(created.invitation).toBeNull();
    expect(
      (await db.prisma.organization.findUniqueOrThrow({ where: { id: created.organization.id } })).instanceId,
    ).toBe(instance.id);
    // The creator (an instance owner) is not silently a member.
    expect(
      await failureOf(callerFor(db, f.owner).organizations.get({ organizationId: created.organization.id })),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect((await callerFor(db, f.outsider).organizations.get({ organizationId: created.organization.id })).role).toBe(
      "owner",
    );
  });
});

describe("the instance trail", () => {
  it("records instance members and tokens with who did it, newest first, in the instance's trail only", async () => {
    const f = await createInstanceWithRoles(db);
    const owner = callerFor(db, f.owner);
    const someone = await createUser(db);
    await owner.instanceMembers.add({ instanceId: f.instanceId, email: someone.email, role: "viewer" });
    const { instanceToken } = await owner.instanceTokens.create({ instanceId: f.instanceId, scopes: ["all.Instance"] });
    await owner.instanceTokens.revoke({ instanceId: f.instanceId, id: instanceToken.id });
    const { events, nextCursor } = await callerFor(db, f.viewer).instances.audit({
      instanceId: f.instanceId,
      limit: 2,
    });
    expect(events.map((e) => e.action)).toEqual(["instance_token.revoked", "instance_token.created"]);
    expect(events[0]!.actor).toMatchObject({ type: "user", id: f.owner.userId });
    const rest = await owner.instances.audit({ instanceId: f.instanceId, cursor: nextCursor! });
    expect(rest.events.map((e) => e.action)).toEqual(["instance_member.added"]);
    // Another instance's trail is its own.
    const other = await owner.instances.create({ name: "Other" });
    const { events: otherEvents } = await owner.instances.audit({ instanceId: other.instance.id });
    expect(otherEvents.map((e) => e.action)).toEqual(["instance.created"]);
    expect((await owner.instances.audit({ instanceId: f.instanceId })).events.map((e) => e.action)).not.toContain(
      "instance.created",
    );
  });
});

describe("instance members", () => {
  it("keeps the last owner", async () => {
    const f = await createInstanceWithRoles(db);
    const asOwner = callerFor(db, f.owner);
    expect(
      await failureOf(
        asOwner.instanceMembers.setRole({ instanceId: f.instanceId, userId: f.owner.userId, role: "admin" }),
      ),
    ).toMatchObject({ code: "CONFLICT", reason: "last_owner" });
    expect(
      await failureOf(asOwner.instanceMembers.remove({ instanceId: f.instanceId, userId: f.owner.userId })),
    ).toMatchObject({ code: "CONFLICT", reason: "last_owner" });
    await asOwner.instanceMembers.setRole({ instanceId: f.instanceId, userId: f.admin.userId, role: "owner" });
    await asOwner.instanceMembers.remove({ instanceId: f.instanceId, userId: f.owner.userId });
    const { members } = await callerFor(db, f.admin).instanceMembers.list({ instanceId: f.instanceId });
    expect(members.map((m) => [m.email, m.role])).toEqual([
      [f.admin.email, "owner"],
      [f.viewer.email, "viewer"],
    ]);
  });

  it("adds verified users only, once", async () => {
    const f = await createInstanceWithRoles(db);
    const asOwner = callerFor(db, f.owner);
    const unverified = await createUser(db, { emailVerified: false });
    expect(
      await failureOf(asOwner.instanceMembers.add({ instanceId: f.instanceId, email: unverified.email })),
    ).toMatchObject({ reason: "email_unverified" });
    expect(
      await failureOf(asOwner.instanceMembers.add({ instanceId: f.instanceId, email: "nobody@example.com" })),
    ).toMatchObject({ reason: "user_not_found" });
    expect(
      await failureOf(asOwner.instanceMembers.add({ instanceId: f.instanceId, email: f.viewer.email })),
    ).toMatchObject({ reason: "already_member" });
    const { member } = await asOwner.instanceMembers.add({ instanceId: f.instanceId, email: f.outsider.email });
    expect(member).toMatchObject({ userId: f.outsider.userId, role: "viewer" });
    const trail = await db.prisma.auditEvent.findMany({
      where: { instanceId: f.instanceId },
      select: { action: true },
    });
    expect(trail.map((e) => e.action)).toEqual(["instance_member.added"]);
  });
});

describe("instance organizations", () => {
  it("lists with member counts, the active flag and the license; searches and filters", async () => {
    const f = await createInstanceWithRoles(db);
    const asOrgOwner = callerFor(db, f.orgOnly);
    await asOrgOwner.organizations.create({ name: "Beta Works" });
    const { organization: gamma } = await asOrgOwner.organizations.create({ name: "Gamma" });
    await callerFor(db, f.admin).instanceOrgs.setActive({ instanceId: f.instanceId, orgId: gamma.id, active: false });
    const asViewer = callerFor(db, f.viewer);
    const all = await asViewer.instanceOrgs.list({ instanceId: f.instanceId });
    expect(all.organizations.map((o) => [o.name, o.memberCount, o.active, o.license])).toEqual([
      ["Acme", 1, true, null],
      ["Beta Works", 1, true, null],
      ["Gamma", 1, false, null],
    ]);
    expect(all.totalCount).toBe(3);
    const inactive = await asViewer.instanceOrgs.list({ instanceId: f.instanceId, status: "inactive" });
    expect(inactive.organizations.map((o) => o.name)).toEqual(["Gamma"]);
    const search = await asViewer.instanceOrgs.list({ instanceId: f.instanceId, search: "BETA" });
    expect(search.organizations.map((o) => o.name)).toEqual(["Beta Works"]);
    const page = await asViewer.instanceOrgs.list({ instanceId: f.instanceId, limit: 2 });
    expect(page.organizations).toHaveLength(2);
    const rest = await asViewer.instanceOrgs.list({ instanceId: f.instanceId, limit: 2, cursor: page.nextCursor! });
    expect(rest.organizations.map((o) => o.name)).toEqual(["Gamma"]);
    expect(rest.nextCursor).toBeNull();
    expect(await failureOf(asViewer.instanceOrgs.list({ instanceId: f.instanceId, cursor: "garbage" }))).toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("deactivation is audited in the organization's log with the admin and their instance role", async () => {
    const f = await createInstanceWithRoles(db);
    const { organization } = await callerFor(db, f.admin).instanceOrgs.setActive({
      instanceId: f.instanceId,
      orgId: f.organization.handle,
      active: false,
    });
    expect(organization.active).toBe(false);
    // The org's own token stops working; its members read only.
    expect(
      await failureOf(
        (await callerForBearer(db, f.orgBearer)).organizations.get({ organizationId: f.organization.id }),
      ),
    ).toMatchObject({ reason: "organization_inactive" });
    const { events } = await callerFor(db, f.orgOnly).organizations.audit.list({ organizationId: f.organization.id });
    expect(events[0]).toMatchObject({
      action: "organization.deactivated",
      actor: { type: "user", id: f.admin.userId, label: f.admin.email },
      metadata: { active: false, instanceId: f.instanceId, instanceRole: "admin" },
    });
    await callerFor(db, f.owner).instanceOrgs.setActive({
      instanceId: f.instanceId,
      orgId: f.organization.id,
      active: true,
    });
    const again = await callerFor(db, f.orgOnly).organizations.audit.list({ organizationId: f.organization.id });
    expect(again.events[0]).toMatchObject({ action: "organization.reactivated", metadata: { instanceRole: "owner" } });
  });

  it("creates an organization for someone who has not signed up by emailing them an owner invitation", async () => {
    const f = await createInstanceWithRoles(db);
    const { caller } = await instanceTokenCaller(db, f.owner, f.instanceId, ["instanceOrgs.create"]);
    const created = await caller.instanceOrgs.create({
      instanceId: f.instanceId,
      name: "Newco",
      ownerEmail: "founder@newco.example",
    });
    expect(created.owner).toBeNull();
    expect(created.invitation).toMatchObject({ email: "founder@newco.example" });
    expect(created.organization.memberCount).toBe(0);
    const invitation = await db.prisma.invitation.findFirstOrThrow({
      where: { organizationId: created.organization.id },
    });
    expect(invitation.role).toBe("owner");
    expect(await countRows(db, "email_outbox", `"to" = $1 AND kind = 'invitation'`, ["founder@newco.example"])).toBe(1);
    const events = await db.prisma.auditEvent.findMany({
      where: { organizationId: created.organization.id },
      orderBy: { id: "asc" },
      select: { action: true, actorType: true, metadata: true },
    });
    expect(events.map((e) => [e.action, e.actorType])).toEqual([
      ["organization.created", "instance_token"],
      ["invitation.created", "instance_token"],
    ]);
    expect(events[1]!.metadata).toMatchObject({ role: "owner", instanceRole: "token" });
  });

  it("reads one organization of the instance, read-only", async () => {
    const f = await createInstanceWithRoles(db);
    await callerFor(db, f.orgOnly).organizations.invitations.create({
      organizationId: f.organization.id,
      email: "pending@example.com",
    });
    const read = await callerFor(db, f.viewer).instanceOrgs.get({ instanceId: f.instanceId, orgId: "acme" });
    expect(read.organization).toMatchObject({ id: f.organization.id, memberCount: 1 });
    expect(read.members).toEqual([
      expect.objectContaining({ userId: f.orgOnly.userId, role: "owner", email: f.orgOnly.email }),
    ]);
    expect(read.pendingInvitations).toBe(1);
  });
});
