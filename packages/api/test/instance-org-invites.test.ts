import { describe, expect, it } from "vitest";

import { createRequestContext } from "../src/context";
import { handleV1Request } from "../src/http/v1-handler";
import { createInstanceWithRoles, instanceTokenCaller } from "./instance-fixtures";
import { callerFor, countRows, createUser, failureOf, testConfig, useTestDatabase } from "./harness";

// Losant's instanceOrgInvites (seeds/losant-instance-org-invites.md): sorting, glob filters (blank =
// none), the invite object, 201 on post, 404 for a missing instance or organization and for callers
// without rights, through tRPC and GET/POST /v1/instances/{instanceId}/orgs/{orgId}/invites.

const db = useTestDatabase();

async function withInvitations() {
  const f = await createInstanceWithRoles(db);
  const asAdmin = callerFor(db, f.admin);
  const emails = [
    ["carol@example.com", "member"],
    ["alice@example.com", "admin"],
    ["bob@other.example", "viewer"],
    ["dave_x@example.com", "member"],
    ["erin+100@example.com", "member"],
  ] as const;
  for (const [email, role] of emails) {
    await asAdmin.instanceOrgInvites.post({
      instanceId: f.instanceId,
      orgId: f.organization.id,
      invite: { email, role },
    });
    // Distinct invite dates (timestamp(3)).
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // An address no email validator would accept today, as imported or older data may hold: the glob's
  // escapes must still find it literally.
  await db.prisma.invitation.create({
    data: {
      organizationId: f.organization.id,
      email: "star*@example.com",
      pendingEmail: "star*@example.com",
      role: "viewer",
      tokenHash: "f".repeat(64),
      expiresAt: new Date(Date.now() + 7 * 86_400_000),
    },
  });
  const get = (input: Record<string, string | undefined> = {}) =>
    asAdmin.instanceOrgInvites.get({ instanceId: f.instanceId, orgId: f.organization.id, ...input } as never);
  return { ...f, get, asAdmin };
}

describe("instanceOrgInvites.get: the seed's sorting and filtering", () => {
  it("defaults to inviteDate, newest first, and returns the seed's invite objects", async () => {
    const { get, organization, admin } = await withInvitations();
    const invites = await get();
    expect(invites.map((i) => i.email)).toEqual([
      "star*@example.com",
      "erin+100@example.com",
      "dave_x@example.com",
      "bob@other.example",
      "alice@example.com",
      "carol@example.com",
    ]);
    const first = invites[0]!;
    expect(Object.keys(first).sort()).toEqual(
      ["email", "expiresAt", "hasExpired", "id", "invitedBy", "inviteDate", "message", "orgId", "role", "ttl"].sort(),
    );
    expect(first).toMatchObject({ orgId: organization.id, role: "viewer", hasExpired: false });
    const second = invites[1]!;
    expect(second).toMatchObject({ email: "erin+100@example.com", role: "member", ttl: 7 * 86_400_000 });
    expect(second.invitedBy).toMatchObject({ id: admin.userId, email: admin.email });
  });

  it("sorts by email, role and inviteDate in both directions", async () => {
    const { get } = await withInvitations();
    const emails = async (sortField: string, sortDirection?: string) =>
      (await get({ sortField, sortDirection })).map((i) => i.email);
    const byEmail = [
      "alice@example.com",
      "bob@other.example",
      "carol@example.com",
      "dave_x@example.com",
      "erin+100@example.com",
      "star*@example.com",
    ];
    expect(await emails("email", "asc")).toEqual(byEmail);
    expect(await emails("email", "desc")).toEqual([...byEmail].reverse());
    expect(await emails("email")).toEqual([...byEmail].reverse()); // desc by default
    const roles = (await get({ sortField: "role", sortDirection: "asc" })).map((i) => i.role);
    expect(roles).toEqual(["admin", "member", "member", "member", "viewer", "viewer"]);
    expect((await get({ sortField: "inviteDate", sortDirection: "asc" }))[0]!.email).toBe("carol@example.com");
  });

  it("filters with globs: * and ?, case-insensitively", async () => {
    const { get } = await withInvitations();
    const emails = async (filterField: string, filter: string) =>
      (await get({ filterField, filter, sortField: "email", sortDirection: "asc" })).map((i) => i.email);
    expect(await emails("email", "*@example.com")).toEqual([
      "alice@example.com",
      "carol@example.com",
      "dave_x@example.com",
      "erin+100@example.com",
      "star*@example.com",
    ]);
    expect(await emails("email", "?ob@*")).toEqual(["bob@other.example"]);
    expect(await emails("email", "ALICE@EXAMPLE.COM")).toEqual(["alice@example.com"]);
    expect(await emails("email", "alice")).toEqual([]); // the glob matches the whole value
    expect(await emails("role", "view*")).toEqual(["bob@other.example", "star*@example.com"]);
  });

  it("escapes: % and _ are literal, a backslash makes * and ? literal", async () => {
    const { get } = await withInvitations();
    const emails = async (filter: string) =>
      (await get({ filterField: "email", filter, sortField: "email", sortDirection: "asc" })).map((i) => i.email);
    expect(await emails("dave_x@*")).toEqual(["dave_x@example.com"]);
    expect(await emails("dave?x@*")).toEqual(["dave_x@example.com"]);
    expect(await emails("d_ve*")).toEqual([]); // _ is not a wildcard
    expect(await emails("erin+100@*")).toEqual(["erin+100@example.com"]);
    expect(await emails("erin%100@*")).toEqual([]); // % is not a wildcard
    expect(await emails("%")).toEqual([]); // % is not a wildcard
    expect(await emails("star\\*@*")).toEqual(["star*@example.com"]);
    expect(await emails("sta\\r\\*@example.com")).toEqual(["star*@example.com"]);
    expect(await emails("\\*")).toEqual([]);
  });

  it("blank or absent filters mean no filtering, not an error", async () => {
    const { get } = await withInvitations();
    const count = async (input: Record<string, string | undefined>) => (await get(input)).length;
    expect(await count({})).toBe(6);
    expect(await count({ filterField: "", filter: "" })).toBe(6);
    expect(await count({ filterField: "email", filter: "" })).toBe(6);
    expect(await count({ filterField: "email", filter: "   " })).toBe(6);
    expect(await count({ filterField: "", filter: "alice*" })).toBe(6);
    expect(await count({ filter: "alice*" })).toBe(6);
    expect(await count({ sortField: "", sortDirection: "" })).toBe(6);
  });

  it("refuses malformed requests with 400", async () => {
    const { get } = await withInvitations();
    for (const input of [{ sortField: "name" }, { sortDirection: "up" }, { filterField: "message" }]) {
      expect(await failureOf(get(input))).toMatchObject({ code: "BAD_REQUEST", reason: "invalid_input" });
    }
  });

  it("flags expired invitations and leaves answered ones out", async () => {
    const { get, organization, orgOnly } = await withInvitations();
    await db.prisma.invitation.updateMany({
      where: { email: "alice@example.com" },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const { invitations } = await callerFor(db, orgOnly).organizations.invitations.list({
      organizationId: organization.id,
      filterField: "email",
      filter: "carol*",
    });
    await callerFor(db, orgOnly).organizations.invitations.revoke({
      organizationId: organization.id,
      id: invitations[0]!.id,
    });
    const invites = await get({ sortField: "email", sortDirection: "asc" });
    expect(invites.map((i) => [i.email, i.hasExpired])).toEqual([
      ["alice@example.com", true],
      ["bob@other.example", false],
      ["dave_x@example.com", false],
      ["erin+100@example.com", false],
      ["star*@example.com", false],
    ]);
  });
});

describe("instanceOrgInvites.post", () => {
  it("invites through the normal flow: invitation, outbox email, audit with the instance role", async () => {
    const f = await createInstanceWithRoles(db);
    const invite = await callerFor(db, f.admin).instanceOrgInvites.post({
      instanceId: f.instanceId,
      orgId: f.organization.handle,
      invite: { email: "  New@Example.com ", role: "admin", message: "Welcome" },
    });
    expect(invite).toMatchObject({
      orgId: f.organization.id,
      email: "new@example.com",
      role: "admin",
      hasExpired: false,
      message: "Welcome",
      invitedBy: { id: f.admin.userId },
    });
    expect(await countRows(db, "email_outbox", `"to" = 'new@example.com' AND kind = 'invitation'`)).toBe(1);
    const event = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "invitation.created" } });
    expect(event).toMatchObject({ organizationId: f.organization.id, actorType: "user", actorId: f.admin.userId });
    expect(event.metadata).toMatchObject({ role: "admin", instanceId: f.instanceId, instanceRole: "admin" });
    // The admin is still not a member of the organization.
    expect(await countRows(db, "membership", `"userId" = $1`, [f.admin.userId])).toBe(0);
    // The invitee accepts through the usual flow.
    const invitee = await createUser(db, { email: "new@example.com" });
    const { invitations } = await callerFor(db, invitee).organizations.invitations.mine();
    await callerFor(db, invitee).organizations.invitations.accept({ invitationId: invitations[0]!.id });
    expect((await callerFor(db, invitee).organizations.get({ organizationId: f.organization.id })).role).toBe("admin");
  });

  it("may invite an owner (the instance acts above the organization); viewers may not invite", async () => {
    const f = await createInstanceWithRoles(db);
    const invite = await callerFor(db, f.owner).instanceOrgInvites.post({
      instanceId: f.instanceId,
      orgId: f.organization.id,
      invite: { email: "boss@example.com", role: "owner" },
    });
    expect(invite.role).toBe("owner");
    expect(
      await failureOf(
        callerFor(db, f.viewer).instanceOrgInvites.post({
          instanceId: f.instanceId,
          orgId: f.organization.id,
          invite: { email: "v@example.com" },
        }),
      ),
    ).toMatchObject({ code: "FORBIDDEN", reason: "permission_denied" });
  });

  it("applies the seat limit and refuses inactive organizations and members", async () => {
    const f = await createInstanceWithRoles(db);
    const asAdmin = callerFor(db, f.admin);
    const config = { licensing: { ...testConfig.licensing, freePlan: { ...testConfig.licensing.freePlan, seats: 1 } } };
    const limited = callerFor(db, f.admin, { config });
    expect(
      await failureOf(
        limited.instanceOrgInvites.post({
          instanceId: f.instanceId,
          orgId: f.organization.id,
          invite: { email: "seat@example.com" },
        }),
      ),
    ).toMatchObject({ code: "PAYMENT_REQUIRED", reason: "seat_limit_reached" });
    expect(
      await failureOf(
        asAdmin.instanceOrgInvites.post({
          instanceId: f.instanceId,
          orgId: f.organization.id,
          invite: { email: f.orgOnly.email },
        }),
      ),
    ).toMatchObject({ code: "CONFLICT", reason: "already_member" });
    await asAdmin.instanceOrgs.setActive({ instanceId: f.instanceId, orgId: f.organization.id, active: false });
    expect(
      await failureOf(
        asAdmin.instanceOrgInvites.post({
          instanceId: f.instanceId,
          orgId: f.organization.id,
          invite: { email: "late@example.com" },
        }),
      ),
    ).toMatchObject({ code: "FORBIDDEN", reason: "organization_inactive" });
    expect(await countRows(db, "invitation")).toBe(0);
  });
});

describe("GET and POST /v1/instances/{instanceId}/orgs/{orgId}/invites", () => {
  const createContext = (request: Request) =>
    createRequestContext({
      db: db.prisma,
      headers: request.headers,
      config: testConfig,
    });
  const call = (method: string, path: string, bearer: string | null, body?: unknown) =>
    handleV1Request(
      new Request(`http://tenancy.test${path}`, {
        method,
        headers: {
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      createContext,
      { maxBodyBytes: 1_048_576 },
    );

  it("answers the seed's 200 array, 201 invite, 400 and 404", async () => {
    const f = await createInstanceWithRoles(db);
    const { token } = await instanceTokenCaller(db, f.owner, f.instanceId, ["instanceOrgInvites.*"]);
    const path = `/v1/instances/${f.instanceId}/orgs/${f.organization.id}/invites`;

    const posted = await call("POST", path, token.bearer, { email: "rest@example.com", role: "viewer" });
    expect(posted.status).toBe(201);
    const invite = (await posted.json()) as Record<string, unknown>;
    expect(invite).toMatchObject({
      email: "rest@example.com",
      role: "viewer",
      hasExpired: false,
      orgId: f.organization.id,
    });
    expect(typeof invite.inviteDate).toBe("string");

    const listed = await call("GET", `${path}?sortField=email&sortDirection=asc&filterField=&filter=`, token.bearer);
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { email: string }[];
    expect(Array.isArray(body)).toBe(true);
    expect(body.map((i) => i.email)).toEqual(["rest@example.com"]);
    const filtered = await call("GET", `${path}?filterField=email&filter=nobody*`, token.bearer);
    expect(await filtered.json()).toEqual([]);

    const malformed = await call("GET", `${path}?sortField=size`, token.bearer);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      error: { code: "invalid_input", fieldErrors: { sortField: expect.any(Array) } },
    });
    const badBody = await call("POST", path, token.bearer, { email: "not an email" });
    expect(badBody.status).toBe(400);

    const notFound = [
      await call("GET", `/v1/instances/no-such-instance/orgs/${f.organization.id}/invites`, token.bearer),
      await call("GET", `/v1/instances/${f.instanceId}/orgs/no-such-org/invites`, token.bearer),
      await call("GET", path, f.orgBearer), // no rights on the instance
    ];
    expect(notFound.map((r) => r.status)).toEqual([404, 404, 404]);
    expect(await notFound[0]!.json()).toMatchObject({ error: { code: "instance_not_found" } });
    expect(await notFound[1]!.json()).toMatchObject({ error: { code: "organization_not_found" } });
    expect(await notFound[2]!.json()).toMatchObject({ error: { code: "instance_not_found" } });

    const { instance: other } = await callerFor(db, f.owner).instances.create({ name: "Other" });
    const { organization: elsewhere } = await callerFor(db, f.owner).instanceOrgs.create({
      instanceId: other.id,
      name: "Elsewhere",
      ownerEmail: f.orgOnly.email,
    });
    const wrongInstance = await call("GET", `/v1/instances/${f.instanceId}/orgs/${elsewhere.id}/invites`, token.bearer);
    expect(wrongInstance.status).toBe(404);

    const noScope = await instanceTokenCaller(db, f.owner, f.instanceId, ["instanceOrgs.list"]);
    const refused = await call("GET", path, noScope.token.bearer);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      error: {
        code: "insufficient_scope",
        details: { acceptedScopes: expect.arrayContaining(["instanceOrgInvites.get"]) },
      },
    });
    const anonymous = await call("GET", path, null);
    expect(anonymous.status).toBe(401);
    expect((await call("DELETE", path, token.bearer)).status).toBe(405);
  });
});
