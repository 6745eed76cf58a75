import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { PERMISSIONS } from "../src/domain/permissions";
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

describe("organizations.create", () => {
  it("makes the acting user the first and only owner", async () => {
    const alice = await createUser(db, { name: "Alice" });
    const asAlice = callerFor(db, alice);
    const { organization } = await asAlice.organizations.create({ name: "  Acme Inc.  ", description: "Widgets" });
    expect(organization).toMatchObject({ name: "Acme Inc.", handle: "acme-inc", description: "Widgets", active: true });

    const members = await asAlice.organizations.members.list({ organizationId: organization.id });
    expect(members.members.map((m) => [m.userId, m.role])).toEqual([[alice.userId, "owner"]]);
    const got = await asAlice.organizations.get({ organizationId: organization.id });
    expect(got).toMatchObject({ role: "owner", memberCount: 1 });
    expect([...got.permissions].sort()).toEqual([...PERMISSIONS].sort());
  });

  it("derives a unique handle from the name, suffixing -2, -3… on collisions", async () => {
    const asAlice = callerFor(db, await createUser(db));
    const handles = [];
    for (let i = 0; i < 3; i++)
      handles.push((await asAlice.organizations.create({ name: "Acme" })).organization.handle);
    expect(handles).toEqual(["acme", "acme-2", "acme-3"]);
    // The availability check names the handle a create without one would get next.
    expect(await asAlice.organizations.handleAvailability({ handle: "acme" })).toEqual({
      handle: "acme",
      available: false,
      reason: "handle_taken",
      suggestion: "acme-4",
    });
    expect(await asAlice.organizations.handleAvailability({ handle: "acme-9" })).toEqual({
      handle: "acme-9",
      available: true,
      reason: null,
      suggestion: null,
    });
    expect((await asAlice.organizations.create({ name: "Acme Café, Inc." })).organization.handle).toBe("acme-cafe-inc");
    // A name that slugifies to a reserved word still gets a usable handle.
    expect((await asAlice.organizations.create({ name: "Admin" })).organization.handle).toBe("admin-org");
  });

  it("gives concurrent creates of the same name distinct handles", async () => {
    const users = await Promise.all([1, 2, 3].map(() => createUser(db)));
    const created = await Promise.all(users.map((user) => callerFor(db, user).organizations.create({ name: "Acme" })));
    expect(created.map((c) => c.organization.handle).sort()).toEqual(["acme", "acme-2", "acme-3"]);
    expect(await countRows(db, "membership", `role = 'owner'`)).toBe(3);
  });

  it("uses an explicit handle, normalized to lower case", async () => {
    const asAlice = callerFor(db, await createUser(db));
    const { organization } = await asAlice.organizations.create({ name: "Acme", handle: "Acme-Labs" });
    expect(organization.handle).toBe("acme-labs");
  });

  it("refuses an explicit handle that is taken with CONFLICT handle_taken, creating nothing", async () => {
    const asAlice = callerFor(db, await createUser(db));
    const asBob = callerFor(db, await createUser(db));
    await asAlice.organizations.create({ name: "Acme", handle: "acme" });
    const failure = await failureOf(asBob.organizations.create({ name: "Other", handle: "ACME" }));
    expect(failure).toMatchObject({ code: "CONFLICT", reason: "handle_taken" });
    expect(await countRows(db, "organization")).toBe(1);
    expect(await countRows(db, "audit_event")).toBe(1);
    expect((await asBob.organizations.list()).organizations).toEqual([]);
  });

  it("refuses malformed handles with BAD_REQUEST and a handle field error", async () => {
    const asAlice = callerFor(db, await createUser(db));
    for (const handle of ["a", "-acme", "acme-", "ac me", "a--b", "acme_labs", "x".repeat(40)]) {
      const failure = await failureOf(asAlice.organizations.create({ name: "Acme", handle }));
      expect(failure.code, handle).toBe("BAD_REQUEST");
      expect(failure.reason, handle).toBe("invalid_input");
      expect(failure.fieldErrors?.handle?.length, handle).toBeGreaterThan(0);
    }
    expect(await countRows(db, "organization")).toBe(0);
  });

  it("refuses reserved words (console paths, the API's path segments) with handle_reserved, id-like handles with handle_invalid", async () => {
    const asAlice = callerFor(db, await createUser(db));
    // API segments come from the router and the REST route table: procedures (create, members,
    // set-role, join-codes, handle-availability, ...) and REST paths.
    for (const handle of [
      "admin",
      "new",
      "settings",
      "members",
      "set-role",
      "join-codes",
      "handle-availability",
      "audit",
      "roles",
    ]) {
      const failure = await failureOf(asAlice.organizations.create({ name: "Acme", handle }));
      expect(failure, handle).toMatchObject({ code: "BAD_REQUEST", reason: "handle_reserved" });
    }
    for (const handle of ["0190a8c4-1234-7abc-8def-0123456789ab", "0190A8C4-1234-7ABC-8DEF-0123456789AB"]) {
      const failure = await failureOf(asAlice.organizations.create({ name: "Acme", handle }));
      expect(failure, handle).toMatchObject({ code: "BAD_REQUEST", reason: "handle_invalid" });
    }
    expect(await countRows(db, "organization")).toBe(0);
  });

  it("refuses a blank name with a name field error", async () => {
    const failure = await failureOf(callerFor(db, await createUser(db)).organizations.create({ name: "   " }));
    expect(failure.code).toBe("BAD_REQUEST");
    expect(failure.fieldErrors?.name?.length).toBeGreaterThan(0);
  });

  it("cannot be done with an API token (FORBIDDEN user_required)", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const { apiToken } = await callerFor(db, owner).organizations.tokens.create({ organizationId: organization.id });
    const asToken = await callerForBearer(db, apiToken.bearer);
    const failure = await failureOf(asToken.organizations.create({ name: "Minted by a token" }));
    expect(failure).toMatchObject({ code: "FORBIDDEN", reason: "user_required" });
    expect(await countRows(db, "organization")).toBe(1);
  });

  it("cannot be done anonymously (UNAUTHORIZED)", async () => {
    const failure = await failureOf(callerFor(db, null).organizations.create({ name: "Acme" }));
    expect(failure).toMatchObject({ code: "UNAUTHORIZED", reason: "unauthenticated" });
    expect(await countRows(db, "organization")).toBe(0);
  });
});

describe("organizations.get", () => {
  it("accepts the id or the handle (any case)", async () => {
    const { organization, viewer } = await createOrganizationWithRoles(db);
    const asViewer = callerFor(db, viewer);
    for (const ref of [
      organization.id,
      organization.id.toUpperCase(),
      organization.handle,
      organization.handle.toUpperCase(),
    ]) {
      const got = await asViewer.organizations.get({ organizationId: ref });
      expect(got.organization.id).toBe(organization.id);
      expect(got).toMatchObject({ role: "viewer", permissions: ["org:view", "license:view"], memberCount: 4 });
    }
  });

  it("tells a non-member NOT_FOUND, exactly as for an organization that does not exist", async () => {
    const { organization } = await createOrganizationWithRoles(db);
    const asOutsider = callerFor(db, await createUser(db));
    const byHandle = await failureOf(asOutsider.organizations.get({ organizationId: organization.handle }));
    const missingHandle = await failureOf(asOutsider.organizations.get({ organizationId: "no-such-org" }));
    const byId = await failureOf(asOutsider.organizations.get({ organizationId: organization.id }));
    const missingId = await failureOf(asOutsider.organizations.get({ organizationId: randomUUID() }));
    expect(byHandle).toMatchObject({ code: "NOT_FOUND", reason: "organization_not_found" });
    expect(byHandle).toEqual(missingHandle);
    expect(byId).toEqual(missingId);
    expect(byId).toEqual(byHandle);
  });

  it("requires a signed-in user or token", async () => {
    const { organization } = await createOrganizationWithRoles(db);
    const failure = await failureOf(callerFor(db, null).organizations.get({ organizationId: organization.id }));
    expect(failure.code).toBe("UNAUTHORIZED");
  });
});

describe("organizations.list", () => {
  it("lists only the caller's organizations, each with the caller's role", async () => {
    const alice = await createUser(db, { name: "Alice" });
    const bob = await createUser(db, { name: "Bob" });
    const asAlice = callerFor(db, alice);
    const asBob = callerFor(db, bob);
    const { organization: acme } = await asAlice.organizations.create({ name: "Acme" });
    const { organization: beta } = await asBob.organizations.create({ name: "Beta" });
    await asBob.organizations.create({ name: "Bob's own" });
    await asBob.organizations.members.add({ organizationId: beta.id, email: alice.email, role: "viewer" });

    const { organizations } = await asAlice.organizations.list();
    expect(organizations.map((o) => [o.id, o.role])).toEqual([
      [acme.id, "owner"],
      [beta.id, "viewer"],
    ]);
    expect((await asBob.organizations.list()).organizations.map((o) => o.name)).toEqual(["Beta", "Bob's own"]);
    expect((await callerFor(db, await createUser(db)).organizations.list()).organizations).toEqual([]);
  });

  it("with activeOnly leaves out inactive organizations", async () => {
    const asAlice = callerFor(db, await createUser(db));
    const { organization: acme } = await asAlice.organizations.create({ name: "Acme" });
    const { organization: dormant } = await asAlice.organizations.create({ name: "Dormant" });
    await asAlice.organizations.update({ organizationId: dormant.id, active: false });

    const all = await asAlice.organizations.list({});
    expect(all.organizations.map((o) => [o.id, o.active])).toEqual([
      [acme.id, true],
      [dormant.id, false],
    ]);
    const active = await asAlice.organizations.list({ activeOnly: true });
    expect(active.organizations.map((o) => o.id)).toEqual([acme.id]);
  });
});

describe("organizations.update", () => {
  it("lets an owner or an admin change name, description and handle", async () => {
    const { organization, owner, admin } = await createOrganizationWithRoles(db);
    const asAdmin = callerFor(db, admin);
    const updated = await asAdmin.organizations.update({
      organizationId: organization.handle,
      name: "Acme Two",
      description: "New",
      handle: "acme-two",
    });
    expect(updated.organization).toMatchObject({
      id: organization.id,
      name: "Acme Two",
      description: "New",
      handle: "acme-two",
    });
    // The old handle no longer resolves; the new one does.
    expect(await failureOf(asAdmin.organizations.get({ organizationId: organization.handle }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await asAdmin.organizations.get({ organizationId: "acme-two" })).organization.name).toBe("Acme Two");

    const cleared = await callerFor(db, owner).organizations.update({
      organizationId: organization.id,
      description: null,
    });
    expect(cleared.organization).toMatchObject({ name: "Acme Two", description: null, handle: "acme-two" });
  });

  it("refuses a member or a viewer with FORBIDDEN permission_denied, changing nothing", async () => {
    const fixture = await createOrganizationWithRoles(db);
    for (const role of ["member", "viewer"] as const) {
      const failure = await failureOf(
        callerFor(db, fixture[role]).organizations.update({
          organizationId: fixture.organization.id,
          name: "Hijacked",
        }),
      );
      expect(failure, role).toMatchObject({ code: "FORBIDDEN", reason: "permission_denied" });
    }
    const got = await callerFor(db, fixture.owner).organizations.get({ organizationId: fixture.organization.id });
    expect(got.organization.name).toBe("Acme");
  });

  it("refuses a non-member with NOT_FOUND", async () => {
    const { organization } = await createOrganizationWithRoles(db);
    const failure = await failureOf(
      callerFor(db, await createUser(db)).organizations.update({ organizationId: organization.id, name: "X" }),
    );
    expect(failure).toMatchObject({ code: "NOT_FOUND", reason: "organization_not_found" });
  });

  it("refuses a handle another organization has with CONFLICT handle_taken, changing nothing", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner);
    await asOwner.organizations.create({ name: "Beta" });
    const auditBefore = await countRows(db, "audit_event");
    const failure = await failureOf(
      asOwner.organizations.update({ organizationId: organization.id, name: "Renamed", handle: "beta" }),
    );
    expect(failure).toMatchObject({ code: "CONFLICT", reason: "handle_taken" });
    const got = await asOwner.organizations.get({ organizationId: organization.id });
    expect(got.organization).toMatchObject({ name: "Acme", handle: "acme" });
    expect(await countRows(db, "audit_event")).toBe(auditBefore);
  });

  it("refuses a reserved handle with BAD_REQUEST handle_reserved and a malformed one with a field error", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner);
    for (const handle of ["settings", "invitations", "tokens"]) {
      expect(await failureOf(asOwner.organizations.update({ organizationId: organization.id, handle }))).toMatchObject({
        code: "BAD_REQUEST",
        reason: "handle_reserved",
      });
    }
    const malformed = await failureOf(
      asOwner.organizations.update({ organizationId: organization.id, handle: "Not OK!" }),
    );
    expect(malformed.code).toBe("BAD_REQUEST");
    expect(malformed.fieldErrors?.handle?.length).toBeGreaterThan(0);
    expect((await asOwner.organizations.get({ organizationId: organization.id })).organization.handle).toBe("acme");
  });

  it("accepts keeping the current handle", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const updated = await callerFor(db, owner).organizations.update({
      organizationId: organization.id,
      handle: "acme",
      name: "Acme!",
    });
    expect(updated.organization).toMatchObject({ handle: "acme", name: "Acme!" });
  });
});

describe("organizations.delete", () => {
  it("is for owners only: an admin gets FORBIDDEN permission_denied and the organization stays", async () => {
    const { organization, admin, owner } = await createOrganizationWithRoles(db);
    const failure = await failureOf(callerFor(db, admin).organizations.delete({ organizationId: organization.id }));
    expect(failure).toMatchObject({ code: "FORBIDDEN", reason: "permission_denied" });
    expect((await callerFor(db, owner).organizations.get({ organizationId: organization.id })).memberCount).toBe(4);
  });

  it("takes members, invitations, join codes and API tokens with it; its tokens stop working at once", async () => {
    const { organization, owner, admin } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner);
    const other = (await asOwner.organizations.create({ name: "Other" })).organization;
    for (const orgId of [organization.id, other.id]) {
      await asOwner.organizations.invitations.create({ organizationId: orgId, email: "someone@example.com" });
      await asOwner.organizations.joinCodes.create({ organizationId: orgId });
      await asOwner.organizations.tokens.create({ organizationId: orgId, name: "ci" });
    }
    const { apiToken } = await asOwner.organizations.tokens.create({ organizationId: organization.id, name: "deploy" });
    const otherToken = (await asOwner.organizations.tokens.create({ organizationId: other.id })).apiToken;
    expect((await bearerContext(db, apiToken.bearer)).actor).toMatchObject({
      type: "token",
      organizationId: organization.id,
    });

    expect(await asOwner.organizations.delete({ organizationId: organization.handle })).toEqual({ ok: true });

    for (const table of ["membership", "invitation", "join_code", "api_token"]) {
      expect(await countRows(db, table, `"organizationId" = $1`, [organization.id]), table).toBe(0);
      expect(await countRows(db, table, `"organizationId" = $1`, [other.id]), table).toBeGreaterThan(0);
    }
    expect(await countRows(db, "organization", `id = $1`, [organization.id])).toBe(0);

    const context = await bearerContext(db, apiToken.bearer);
    expect(context.actor).toBeNull();
    expect(context.authError).toMatchObject({ kind: "unauthenticated" });
    const refused = await failureOf(
      (await callerForBearer(db, apiToken.bearer)).organizations.get({ organizationId: organization.id }),
    );
    expect(refused.code).toBe("UNAUTHORIZED");
    // The other organization's token is untouched.
    expect(
      (await (await callerForBearer(db, otherToken.bearer)).organizations.get({ organizationId: other.id }))
        .organization.id,
    ).toBe(other.id);

    // Former members no longer see it; the owner's other organization is still there.
    expect(await failureOf(callerFor(db, admin).organizations.get({ organizationId: organization.id }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await asOwner.organizations.list()).organizations.map((o) => o.id)).toEqual([other.id]);
    // Its handle is free again.
    expect((await asOwner.organizations.create({ name: "Acme" })).organization.handle).toBe("acme");
  });

  it("refuses a non-member with NOT_FOUND", async () => {
    const { organization } = await createOrganizationWithRoles(db);
    const failure = await failureOf(
      callerFor(db, await createUser(db)).organizations.delete({ organizationId: organization.id }),
    );
    expect(failure).toMatchObject({ code: "NOT_FOUND" });
    expect(await countRows(db, "organization")).toBe(1);
  });
});

describe("organizations.roles", () => {
  it("returns the role matrix without any organization scope, even anonymously", async () => {
    const matrix = await callerFor(db, null).organizations.roles();
    expect([...matrix.permissions].sort()).toEqual([
      "audit:view",
      "deployments:manage",
      "domains:manage",
      "invitations:manage",
      "joinCodes:manage",
      "license:manage",
      "license:view",
      "members:manage",
      "members:view",
      "org:delete",
      "org:manage",
      "org:view",
      "roles:manage",
      "tokens:manage",
    ]);
    expect(matrix.catalogue.map((p) => p.key)).toEqual(matrix.permissions);
    for (const info of matrix.catalogue) {
      expect(info.label.length, info.key).toBeGreaterThan(0);
      expect(info.description.length, info.key).toBeGreaterThan(0);
      expect(info.areaLabel.length, info.key).toBeGreaterThan(0);
    }
    const byRole = Object.fromEntries(matrix.roles.map((r) => [r.role, [...r.permissions].sort()]));
    expect(Object.keys(byRole)).toEqual(["owner", "admin", "member", "viewer"]);
    expect(byRole.owner).toEqual([...matrix.permissions].sort());
    // Admins do everything but delete the organization, manage the license and verified domains (owners only).
    const ownerOnly = ["org:delete", "license:manage", "domains:manage"];
    expect(byRole.admin).toEqual(byRole.owner!.filter((p) => !ownerOnly.includes(p)));
    expect(byRole.member).toEqual(["license:view", "members:view", "org:view"]);
    expect(byRole.viewer).toEqual(["license:view", "org:view"]);
    expect([...matrix.apiToken.permissions].sort()).toEqual(byRole.admin!.filter((p) => p !== "tokens:manage"));
    for (const role of matrix.roles) expect(role.description.length).toBeGreaterThan(0);
  });

  it("matches what each role can actually do", async () => {
    const fixture = await createOrganizationWithRoles(db);
    const matrix = await callerFor(db, fixture.viewer).organizations.roles();
    for (const { role, permissions } of matrix.roles) {
      const got = await callerFor(db, fixture[role]).organizations.get({ organizationId: fixture.organization.id });
      expect(got.role).toBe(role);
      expect([...got.permissions].sort()).toEqual([...permissions].sort());
    }
  });
});
