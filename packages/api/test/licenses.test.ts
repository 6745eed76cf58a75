import { generateKeyPairSync } from "node:crypto";

import { signLicenseKey, verifyLicenseKey } from "@tenancy/license";
import { describe, expect, it } from "vitest";

import {
  callerFor,
  callerForBearer,
  countRows,
  createOrganizationWithRoles,
  createUser,
  databaseText,
  failureOf,
  testConfig,
  testLicenseSigningKeys,
  useTestDatabase,
} from "./harness";
import { createOperator, createPlan, issueLicense } from "./licensing-fixtures";

const db = useTestDatabase();
const DAY = 86_400_000;
const publicKeyPem = testLicenseSigningKeys.current.publicKey.export({ type: "spki", format: "pem" }).toString();

describe("operators", () => {
  it("are the verified users listed in TENANCY_OPERATOR_EMAILS; everyone else gets 403 operator_required", async () => {
    const operator = await createOperator(db);
    expect(await callerFor(db, operator).operators.me()).toEqual({ operator: true });
    const someone = await createUser(db);
    expect(await callerFor(db, someone).operators.me()).toEqual({ operator: false });
    // One call at a time: calls started together reject before they are awaited (unhandled rejections).
    for (const call of [
      () => callerFor(db, someone).licenses.list(),
      () => callerFor(db, someone).licenses.create({ planKey: "x", customer: "c" }),
      () => callerFor(db, someone).plans.create({ key: "x", name: "X", seats: 1, deployments: 1 }),
    ]) {
      expect(await failureOf(call())).toMatchObject({ code: "FORBIDDEN", reason: "operator_required" });
    }
    // The operator's address, signed up but not verified (maybe by someone else): not an operator.
    await db.prisma.user.update({ where: { id: operator.userId }, data: { emailVerified: false } });
    const unverified = { ...operator, emailVerified: false };
    expect(await callerFor(db, unverified).operators.me()).toEqual({ operator: false });
    expect(await failureOf(callerFor(db, unverified).licenses.list())).toMatchObject({ reason: "operator_required" });
    // An API token is never an operator.
    const { organization, owner } = await createOrganizationWithRoles(db);
    const { apiToken } = await callerFor(db, owner).organizations.tokens.create({ organizationId: organization.id });
    expect(await failureOf((await callerForBearer(db, apiToken.bearer)).licenses.list())).toMatchObject({
      reason: "user_required",
    });
  });
});

describe("plans", () => {
  it("lists the built-in free plan (from configuration) first, then the catalogue; anyone signed in may read it", async () => {
    const operator = await createOperator(db);
    await createPlan(db, operator, { key: "team", seats: 10, deployments: 2, features: ["sso", "audit-export"] });
    const someone = await createUser(db);
    const { plans } = await callerFor(db, someone).plans.list();
    expect(plans.map((p) => p.key)).toEqual(["free", "team"]);
    expect(plans[0]).toMatchObject({ builtIn: true, limits: { seats: null, deployments: 0, features: [] } });
    expect(plans[1]).toMatchObject({
      key: "team",
      builtIn: false,
      archived: false,
      limits: { seats: 10, deployments: 2, features: ["sso", "audit-export"] },
    });
    expect(await failureOf(callerFor(db, null).plans.list())).toMatchObject({ reason: "unauthenticated" });
  });

  it("operators create and update plans: keys are unique, free is built in, archived plans are not offered", async () => {
    const operator = await createOperator(db);
    const asOperator = callerFor(db, operator);
    await createPlan(db, operator, { key: "pro" });
    expect(await failureOf(createPlan(db, operator, { key: "pro" }))).toMatchObject({
      code: "CONFLICT",
      reason: "plan_key_taken",
    });
    expect(await failureOf(createPlan(db, operator, { key: "free" }))).toMatchObject({ reason: "plan_key_taken" });
    expect(await failureOf(asOperator.plans.update({ key: "free", seats: 3 }))).toMatchObject({
      reason: "invalid_input",
    });
    expect(await failureOf(asOperator.plans.update({ key: "nope", seats: 3 }))).toMatchObject({
      reason: "plan_not_found",
    });
    const bad = await failureOf(
      asOperator.plans.create({ key: "Bad Key!", name: "", seats: -1, deployments: 1, features: ["NO SPACES"] }),
    );
    expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(["features", "key", "name", "seats"]);

    const { plan } = await asOperator.plans.update({ key: "pro", name: "Pro", seats: null, features: ["sso", "sso"] });
    expect(plan).toMatchObject({ name: "Pro", limits: { seats: null, features: ["sso"] } });
    await asOperator.plans.update({ key: "pro", archived: true });
    expect((await asOperator.plans.list()).plans.map((p) => p.key)).toEqual(["free"]);
    expect((await asOperator.plans.list({ includeArchived: true })).plans.map((p) => p.key)).toEqual(["free", "pro"]);
    expect(await failureOf(asOperator.licenses.create({ planKey: "pro", customer: "Acme" }))).toMatchObject({
      reason: "plan_archived",
    });
    const trail = await db.prisma.auditEvent.findMany({ where: { organizationId: null }, orderBy: { id: "asc" } });
    expect(trail.map((e) => e.action)).toEqual(["plan.created", "plan.updated", "plan.updated"]);
  });
});

describe("licenses", () => {
  it("issues a license whose key verifies offline with only the public key, and shows the same key again", async () => {
    const operator = await createOperator(db);
    await createPlan(db, operator, { key: "team", seats: 10, deployments: 3, features: ["sso"] });
    const expiresAt = new Date(Date.now() + 365 * DAY);
    const { license, key } = await callerFor(db, operator).licenses.create({
      planKey: "team",
      customer: "Acme Corp",
      seats: 25,
      expiresAt,
    });
    expect(license).toMatchObject({
      plan: { key: "team" },
      limits: { seats: 25, deployments: 3, features: ["sso"] },
      customer: "Acme Corp",
      status: "active",
      expiresAt,
      organization: null,
      keyId: testLicenseSigningKeys.current.keyId,
    });
    const verified = verifyLicenseKey(key, publicKeyPem);
    expect(verified).toMatchObject({
      valid: true,
      license: { licenseId: license.id, plan: "team", seats: 25, deployments: 3, features: ["sso"], expiresAt },
    });
    // The public key as the server serves it verifies too.
    const served = await callerFor(db, null).licenses.publicKey();
    expect(served).toMatchObject({
      algorithm: "Ed25519",
      keyId: testLicenseSigningKeys.current.keyId,
      previousKeys: [],
    });
    expect(verifyLicenseKey(key, served.publicKeyPem).valid).toBe(true);
    expect(verifyLicenseKey(key, served.jwk).valid).toBe(true);
    // Shown again, identical (deterministic signing), and never stored.
    expect((await callerFor(db, operator).licenses.get({ id: license.id })).key).toBe(key);
    expect((await callerFor(db, operator).licenses.list()).licenses[0]!.key).toBe(key);
    expect(await databaseText(db)).not.toContain(key.split(".")[2]!);
    // Issued: in the operators' trail.
    expect((await callerFor(db, operator).licenses.get({ id: license.id })).events.map((e) => e.action)).toEqual([
      "license.issued",
    ]);
  });

  it("validates overrides and dates; unknown plans are 404", async () => {
    const operator = await createOperator(db);
    const asOperator = callerFor(db, operator);
    await createPlan(db, operator, { key: "team" });
    expect(await failureOf(asOperator.licenses.create({ planKey: "nope", customer: "Acme" }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "plan_not_found",
    });
    expect(
      await failureOf(
        asOperator.licenses.create({
          planKey: "team",
          customer: "Acme",
          validFrom: new Date(Date.now() + DAY),
          expiresAt: new Date(),
        }),
      ),
    ).toMatchObject({ reason: "invalid_input", details: { field: "expiresAt" } });
    const bad = await failureOf(asOperator.licenses.create({ planKey: "team", customer: " ", deployments: -1 }));
    expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(["customer", "deployments"]);
    const unlimited = await asOperator.licenses.create({
      planKey: "team",
      customer: "Big",
      seats: null,
      deployments: null,
    });
    expect(unlimited.license.limits).toMatchObject({ seats: null, deployments: null });
  });

  it("lists newest first with status filters, search and keyset pages; gets 404 for unknown ids", async () => {
    const operator = await createOperator(db);
    const asOperator = callerFor(db, operator);
    await createPlan(db, operator, { key: "team" });
    const make = (customer: string, extra: { validFrom?: Date; expiresAt?: Date } = {}) =>
      asOperator.licenses.create({ planKey: "team", customer, ...extra });
    const active = await make("Active Inc");
    const expired = await make("Expired Ltd", {
      validFrom: new Date(Date.now() - 10 * DAY),
      expiresAt: new Date(Date.now() - DAY),
    });
    const scheduled = await make("Later GmbH", { validFrom: new Date(Date.now() + DAY) });
    const revoked = await make("Revoked SA");
    await asOperator.licenses.revoke({ id: revoked.license.id });
    const ids = async (input: Parameters<typeof asOperator.licenses.list>[0]) =>
      (await asOperator.licenses.list(input)).licenses.map((l) => l.id);
    expect(await ids({})).toEqual([revoked, scheduled, expired, active].map((l) => l.license.id));
    expect(await ids({ status: "active" })).toEqual([active.license.id]);
    expect(await ids({ status: "expired" })).toEqual([expired.license.id]);
    expect(await ids({ status: "scheduled" })).toEqual([scheduled.license.id]);
    expect(await ids({ status: "revoked" })).toEqual([revoked.license.id]);
    expect(await ids({ search: "later" })).toEqual([scheduled.license.id]);
    expect(await ids({ search: active.license.id })).toEqual([active.license.id]);
    expect(await ids({ search: "%" })).toEqual([]);
    const first = await asOperator.licenses.list({ limit: 3 });
    expect(first.licenses).toHaveLength(3);
    const second = await asOperator.licenses.list({ limit: 3, cursor: first.nextCursor! });
    expect(second.licenses.map((l) => l.id)).toEqual([active.license.id]);
    expect(second.nextCursor).toBeNull();
    expect(await failureOf(asOperator.licenses.list({ cursor: "nope" }))).toMatchObject({ reason: "invalid_input" });
    expect(await failureOf(asOperator.licenses.get({ id: "nope" }))).toMatchObject({ reason: "license_not_found" });
    expect(await failureOf(asOperator.licenses.get({ id: "01930000-0000-7000-8000-000000000000" }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "license_not_found",
    });
  });

  it("revokes at once and idempotently; the holding organization's log records it", async () => {
    const operator = await createOperator(db);
    const { organization, owner } = await createOrganizationWithRoles(db);
    const { license } = await issueLicense(db, operator, { seats: 50 });
    await callerFor(db, operator).organizations.license.assign({
      organizationId: organization.id,
      licenseId: license.id,
    });
    const first = await callerFor(db, operator).licenses.revoke({ id: license.id });
    expect(first.license).toMatchObject({ status: "revoked", organization: { id: organization.id } });
    await callerFor(db, operator).licenses.revoke({ id: license.id });
    expect(await countRows(db, "audit_event", `action = 'license.revoked'`)).toBe(1);
    const { events } = await callerFor(db, owner).organizations.audit.list({ organizationId: organization.id });
    expect(events[0]).toMatchObject({ action: "license.revoked", actor: { label: operator.email } });
    const view = await callerFor(db, owner).organizations.license.get({ organizationId: organization.id });
    expect(view).toMatchObject({ plan: { key: "free" }, license: { status: "revoked" } });
  });
});

describe("assigning a license", () => {
  it("with no license an organization is on the free plan", async () => {
    const { organization, viewer } = await createOrganizationWithRoles(db);
    const view = await callerFor(db, viewer).organizations.license.get({ organizationId: organization.handle });
    expect(view).toEqual({
      plan: { key: "free", name: "Free", builtIn: true },
      limits: { seats: null, deployments: 0, features: [] },
      seats: { members: 4, reserved: 0, limit: null, available: null },
      deployments: { active: 0, limit: 0 },
      license: null,
    });
  });

  it("operators assign by id to any organization (not a member), replacing the current license", async () => {
    const operator = await createOperator(db);
    const { organization, owner, admin } = await createOrganizationWithRoles(db);
    const { license: first } = await issueLicense(db, operator, { seats: 10 });
    const { license: second } = await issueLicense(db, operator, { seats: 20 });
    const asOperator = callerFor(db, operator);
    const assigned = await asOperator.organizations.license.assign({
      organizationId: organization.handle,
      licenseId: first.id,
    });
    expect(assigned).toMatchObject({
      plan: { builtIn: false },
      limits: { seats: 10 },
      license: { id: first.id, status: "active" },
    });
    // Idempotent.
    await asOperator.organizations.license.assign({ organizationId: organization.id, licenseId: first.id });
    const replaced = await asOperator.organizations.license.assign({
      organizationId: organization.id,
      licenseId: second.id,
    });
    expect(replaced).toMatchObject({ limits: { seats: 20 }, license: { id: second.id } });
    expect(await countRows(db, "license_assignment")).toBe(1);
    const { events } = await callerFor(db, owner).organizations.audit.list({
      organizationId: organization.id,
      limit: 3,
    });
    expect(events.map((e) => [e.action, e.target?.id])).toEqual([
      ["license.assigned", second.id],
      ["license.unassigned", first.id],
      ["license.assigned", first.id],
    ]);
    // The key is shown to the owner (and the operator), not to an admin.
    expect(
      (await callerFor(db, owner).organizations.license.get({ organizationId: organization.id })).license?.key,
    ).toMatch(/^tnc_lic1\./);
    expect(
      (await callerFor(db, admin).organizations.license.get({ organizationId: organization.id })).license?.key,
    ).toBeNull();
    // Owners cannot assign by id.
    expect(
      await failureOf(
        callerFor(db, owner).organizations.license.assign({ organizationId: organization.id, licenseId: first.id }),
      ),
    ).toMatchObject({ code: "FORBIDDEN", reason: "operator_required" });
    // Unknown organization for an operator: 404 like anyone.
    expect(
      await failureOf(asOperator.organizations.license.assign({ organizationId: "no-such-org", licenseId: first.id })),
    ).toMatchObject({ reason: "organization_not_found" });
  });

  it("one organization per license: another organization's license is 409 license_in_use, even at the same moment", async () => {
    const operator = await createOperator(db);
    const a = await createOrganizationWithRoles(db, "Alpha");
    const b = await createOrganizationWithRoles(db, "Beta");
    const { license, key } = await issueLicense(db, operator);
    const asOperator = callerFor(db, operator);
    await asOperator.organizations.license.assign({ organizationId: a.organization.id, licenseId: license.id });
    expect(
      await failureOf(
        asOperator.organizations.license.assign({ organizationId: b.organization.id, licenseId: license.id }),
      ),
    ).toMatchObject({ code: "CONFLICT", reason: "license_in_use" });
    expect(
      await failureOf(
        callerFor(db, b.owner).organizations.license.assign({ organizationId: b.organization.id, licenseKey: key }),
      ),
    ).toMatchObject({ reason: "license_in_use" });

    const { license: contested, key: contestedKey } = await issueLicense(db, operator);
    const orgs = await Promise.all(["C", "D", "E", "F"].map((n) => createOrganizationWithRoles(db, n)));
    const results = await Promise.allSettled(
      orgs.map(({ owner, organization }) =>
        callerFor(db, owner).organizations.license.assign({
          organizationId: organization.id,
          licenseKey: contestedKey,
        }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected")
        expect((r.reason as { cause?: { reason?: string } }).cause?.reason).toBe("license_in_use");
    }
    expect(await countRows(db, "license_assignment", `"licenseId" = $1`, [contested.id])).toBe(1);
  });

  it("owners redeem a key; forged, tampered, foreign, expired and revoked keys are refused", async () => {
    const operator = await createOperator(db);
    const { organization, owner, admin } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner);
    const redeem = (licenseKey: string) =>
      asOwner.organizations.license.assign({ organizationId: organization.id, licenseKey });
    const { license, key } = await issueLicense(db, operator, { seats: 7 });

    const [prefix, payload, signature] = key.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    const tampered = `${prefix}.${Buffer.from(JSON.stringify({ ...claims, seats: 700 })).toString("base64url")}.${signature}`;
    const attacker = generateKeyPairSync("ed25519");
    const foreign = signLicenseKey(
      {
        licenseId: license.id,
        plan: "team",
        planName: "Team",
        seats: null,
        deployments: null,
        features: [],
        customer: "me",
        validFrom: new Date(),
        expiresAt: null,
        issuedAt: new Date(),
      },
      attacker.privateKey,
    );
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(foreign.split(".")[1]!, "base64url").toString()),
        kid: testLicenseSigningKeys.current.keyId,
      }),
    ).toString("base64url");
    const forged = `${prefix}.${forgedPayload}.${foreign.split(".")[2]}`;
    for (const bad of [tampered, foreign, forged, "tnc_lic1.garbage.garbage", "not a key"]) {
      expect(await failureOf(redeem(bad)), bad.slice(0, 20)).toMatchObject({
        code: "BAD_REQUEST",
        reason: "license_key_invalid",
      });
    }
    expect(await countRows(db, "license_assignment")).toBe(0);

    // An admin cannot redeem (owners only today).
    expect(
      await failureOf(
        callerFor(db, admin).organizations.license.assign({ organizationId: organization.id, licenseKey: key }),
      ),
    ).toMatchObject({ code: "FORBIDDEN", reason: "permission_denied" });
    // Exactly one of licenseId / licenseKey.
    expect(await failureOf(asOwner.organizations.license.assign({ organizationId: organization.id }))).toMatchObject({
      reason: "invalid_input",
    });

    const redeemed = await redeem(key);
    expect(redeemed).toMatchObject({ limits: { seats: 7 }, license: { id: license.id, key } });
    const { events } = await asOwner.organizations.audit.list({ organizationId: organization.id, limit: 1 });
    expect(events[0]).toMatchObject({
      action: "license.assigned",
      metadata: { via: "key" },
      actor: { label: owner.email },
    });

    const expired = await issueLicense(db, operator, {
      validFrom: new Date(Date.now() - 10 * DAY),
      expiresAt: new Date(Date.now() - DAY),
    });
    expect(await failureOf(redeem(expired.key))).toMatchObject({ code: "CONFLICT", reason: "license_expired" });
    const revoked = await issueLicense(db, operator);
    await callerFor(db, operator).licenses.revoke({ id: revoked.license.id });
    expect(await failureOf(redeem(revoked.key))).toMatchObject({ code: "CONFLICT", reason: "license_revoked" });
    // A license that starts later can be redeemed now; the free plan applies until it starts.
    const later = await issueLicense(db, operator, { validFrom: new Date(Date.now() + DAY), seats: 3 });
    expect(await redeem(later.key)).toMatchObject({ plan: { key: "free" }, license: { status: "scheduled" } });
    // Still only one license on the organization.
    expect(await countRows(db, "license_assignment")).toBe(1);
  });

  it("unassigns (owner or operator), idempotently, back to the free plan", async () => {
    const { operator, owner, organization } = await (await import("./licensing-fixtures")).orgWithLicense(db);
    const admin = await createUser(db);
    await callerFor(db, owner).organizations.members.add({
      organizationId: organization.id,
      email: admin.email,
      role: "admin",
    });
    expect(
      await failureOf(callerFor(db, admin).organizations.license.unassign({ organizationId: organization.id })),
    ).toMatchObject({ reason: "permission_denied" });
    const after = await callerFor(db, owner).organizations.license.unassign({ organizationId: organization.id });
    expect(after).toMatchObject({ plan: { key: "free" }, license: null });
    await callerFor(db, operator).organizations.license.unassign({ organizationId: organization.id });
    expect(await countRows(db, "audit_event", `action = 'license.unassigned'`)).toBe(1);
    // Outsiders learn nothing.
    expect(
      await failureOf(
        callerFor(db, await createUser(db)).organizations.license.get({ organizationId: organization.id }),
      ),
    ).toMatchObject({ code: "NOT_FOUND", reason: "organization_not_found" });
    expect(testConfig.licensing.operatorEmails).toContain(operator.email);
  });
});
