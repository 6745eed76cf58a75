import { describe, expect, it } from "vitest";

import { sha256Hex } from "../src/services/secrets";
import { callerFor, countRows, createUser, databaseText, failureOf, testConfig, useTestDatabase } from "./harness";
import { createOperator, expireLicense, issueLicense, orgWithLicense } from "./licensing-fixtures";

const db = useTestDatabase();
const anonymous = (ip = "203.0.113.7", config = {}) => callerFor(db, null, { ip, config });

function activate(licenseKey: string, fingerprint: string, extra: { name?: string; version?: string } = {}) {
  return anonymous().deployments.activate({
    licenseKey,
    fingerprint,
    name: extra.name ?? `Server ${fingerprint}`,
    version: extra.version,
  });
}

/** Pretends a deployment was last heard from `seconds` ago. */
async function silence(deploymentId: string, seconds: number) {
  await db.prisma.deployment.update({
    where: { id: deploymentId },
    data: { lastSeenAt: new Date(Date.now() - seconds * 1000) },
    select: { id: true },
  });
}

describe("deployments.activate", () => {
  it("activates with the license key alone, returns a token once (stored hashed) and where the license stands", async () => {
    const { owner, organization, license, key } = await orgWithLicense(db, { deployments: 3 });
    const result = await anonymous().deployments.activate({
      licenseKey: key,
      name: "eu-1",
      fingerprint: "machine-a",
      version: "2.4.0",
      url: "https://eu-1.acme.example",
    });
    expect(result.token).toMatch(/^tnc_dep_[A-Za-z0-9_-]{43}$/);
    expect(result.deployment).toMatchObject({
      name: "eu-1",
      fingerprint: "machine-a",
      version: "2.4.0",
      status: "active",
    });
    expect(result.license).toMatchObject({
      id: license.id,
      status: "active",
      plan: { builtIn: false },
      limits: { deployments: 3 },
    });
    expect(await databaseText(db)).not.toContain(result.token);
    expect(await countRows(db, "deployment", `"tokenHash" = $1`, [sha256Hex(result.token)])).toBe(1);
    // The organization sees it, and its audit log says who activated it.
    const list = await callerFor(db, owner).organizations.deployments.list({ organizationId: organization.id });
    expect(list).toMatchObject({ active: 1, limit: 3, deployments: [{ id: result.deployment.id, status: "active" }] });
    const { events } = await callerFor(db, owner).organizations.audit.list({
      organizationId: organization.id,
      limit: 1,
    });
    expect(events[0]).toMatchObject({
      action: "deployment.activated",
      actor: { type: "deployment", label: "eu-1" },
      metadata: { licenseId: license.id, previously: "new" },
    });
  });

  it("is idempotent per fingerprint: the same deployment, a new token (the old one stops working)", async () => {
    const { key } = await orgWithLicense(db, { deployments: 1 });
    const first = await activate(key, "same", { version: "1.0" });
    const again = await activate(key, "same", { version: "1.1" });
    expect(again.deployment.id).toBe(first.deployment.id);
    expect(again.deployment.version).toBe("1.1");
    expect(again.token).not.toBe(first.token);
    expect(await failureOf(anonymous().deployments.heartbeat({ token: first.token }))).toMatchObject({
      code: "UNAUTHORIZED",
      reason: "deployment_token_invalid",
    });
    await anonymous().deployments.heartbeat({ token: again.token });
    expect(await countRows(db, "deployment")).toBe(1);
  });

  it("refuses past the limit with 402 deployment_limit_reached; 10 at once against 3 slots → exactly 3", async () => {
    const rounds = process.env.TEST_DB === "postgres" ? 3 : 1;
    for (let round = 0; round < rounds; round++) {
      const { key, license } = await orgWithLicense(db, { deployments: 3 }, `Fleet ${round}`);
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => activate(key, `node-${i}`)));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
      for (const r of results) {
        if (r.status === "rejected") {
          expect((r.reason as { cause?: { reason?: string } }).cause?.reason).toBe("deployment_limit_reached");
        }
      }
      expect(await countRows(db, "deployment", `"licenseId" = $1`, [license.id])).toBe(3);
      const refused = await failureOf(activate(key, "one-more"));
      expect(refused).toMatchObject({
        code: "PAYMENT_REQUIRED",
        reason: "deployment_limit_reached",
        details: { limit: 3, active: 3 },
      });
    }
  });

  it("refuses forged and revoked keys; an expired license activates within the free plan's limit", async () => {
    const { operator, key, license } = await orgWithLicense(db, { deployments: 5 });
    const [prefix, payload, signature] = key.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    const tampered = `${prefix}.${Buffer.from(JSON.stringify({ ...claims, deployments: 500 })).toString("base64url")}.${signature}`;
    expect(await failureOf(activate(tampered, "x"))).toMatchObject({
      code: "BAD_REQUEST",
      reason: "license_key_invalid",
    });

    await activate(key, "before-expiry");
    await expireLicense(db, license.id);
    // Free plan: no deployments by default.
    const refused = await failureOf(activate(key, "after-expiry"));
    expect(refused).toMatchObject({ reason: "deployment_limit_reached", details: { plan: "free", limit: 0 } });
    expect(refused.message).toMatch(/expired/);
    // With a free allowance of 2, one more fits beside the one already active.
    const generous = {
      licensing: { ...testConfig.licensing, freePlan: { ...testConfig.licensing.freePlan, deployments: 2 } },
    };
    const ok = await anonymous("203.0.113.7", generous).deployments.activate({
      licenseKey: key,
      name: "n",
      fingerprint: "after-expiry",
    });
    expect(ok.license).toMatchObject({ status: "expired", plan: { key: "free" } });
    expect(
      await failureOf(
        anonymous("203.0.113.7", generous).deployments.activate({ licenseKey: key, name: "n", fingerprint: "third" }),
      ),
    ).toMatchObject({ reason: "deployment_limit_reached" });

    const { key: revokedKey, license: revoked } = await issueLicense(db, operator, { deployments: 5 });
    await callerFor(db, operator).licenses.revoke({ id: revoked.id });
    expect(await failureOf(activate(revokedKey, "y"))).toMatchObject({ code: "CONFLICT", reason: "license_revoked" });
  });

  it("works for a license no organization holds yet (the operators' trail records it)", async () => {
    const operator = await createOperator(db);
    const { key, license } = await issueLicense(db, operator, { deployments: 1 });
    const { deployment } = await activate(key, "early");
    const event = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "deployment.activated" } });
    expect(event).toMatchObject({ organizationId: null, targetId: deployment.id });
    const got = await callerFor(db, operator).licenses.get({ id: license.id });
    expect(got.deployments.map((d) => d.id)).toEqual([deployment.id]);
    expect(got.license.activeDeployments).toBe(1);
  });

  it("is rate-limited per client IP before the key is even looked at (in the procedure, not the service)", async () => {
    const config = { rateLimits: { ...testConfig.rateLimits, activatePerIp: { limit: 2, windowSeconds: 60 } } };
    const caller = callerFor(db, null, { ip: "198.51.100.9", config });
    const attempt = () => caller.deployments.activate({ licenseKey: "tnc_lic1.bad.bad", name: "x", fingerprint: "x" });
    expect(await failureOf(attempt())).toMatchObject({ reason: "license_key_invalid" });
    expect(await failureOf(attempt())).toMatchObject({ reason: "license_key_invalid" });
    const limited = await failureOf(attempt());
    expect(limited).toMatchObject({ code: "TOO_MANY_REQUESTS", reason: "rate_limited" });
    expect(limited.details?.retryAfterSeconds).toBeGreaterThan(0);
    // Another address has its own budget.
    expect(
      await failureOf(
        callerFor(db, null, { ip: "198.51.100.10", config }).deployments.activate({
          licenseKey: "x",
          name: "x",
          fingerprint: "x",
        }),
      ),
    ).toMatchObject({ reason: "license_key_invalid" });
  });

  it("validates its input", async () => {
    const bad = await failureOf(
      anonymous().deployments.activate({ licenseKey: "", name: "", fingerprint: "", url: "javascript:alert(1)" }),
    );
    expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(["fingerprint", "licenseKey", "name", "url"]);
  });
});

describe("deployments.heartbeat and the silence window", () => {
  it("records last seen and version; a deployment silent past the window is inactive and stops counting", async () => {
    const { key, owner, organization } = await orgWithLicense(db, { deployments: 1 });
    const first = await activate(key, "a");
    await silence(first.deployment.id, 60);
    const beat = await anonymous().deployments.heartbeat({ token: first.token, version: "9.9" });
    expect(beat.deployment).toMatchObject({ status: "active", version: "9.9" });
    expect(Date.now() - beat.deployment.lastSeenAt.getTime()).toBeLessThan(10_000);
    expect(beat.license).toMatchObject({ status: "active" });

    // Full: a second deployment is refused ... until the first goes silent past the window.
    expect(await failureOf(activate(key, "b"))).toMatchObject({ reason: "deployment_limit_reached" });
    await silence(first.deployment.id, testConfig.licensing.deploymentSilenceSeconds + 60);
    const list = await callerFor(db, owner).organizations.deployments.list({ organizationId: organization.id });
    expect(list).toMatchObject({ active: 0, deployments: [{ status: "inactive" }] });
    const second = await activate(key, "b");
    // The first comes back: it needs a slot again, and there is none.
    expect(await failureOf(anonymous().deployments.heartbeat({ token: first.token }))).toMatchObject({
      code: "PAYMENT_REQUIRED",
      reason: "deployment_limit_reached",
    });
    await callerFor(db, owner).organizations.deployments.deactivate({
      organizationId: organization.id,
      id: second.deployment.id,
    });
    expect((await anonymous().deployments.heartbeat({ token: first.token })).deployment.status).toBe("active");
  });

  it("tells a deployment its license was revoked or expired", async () => {
    const { operator, key, license } = await orgWithLicense(db, { deployments: 2 });
    const { token } = await activate(key, "a");
    await expireLicense(db, license.id);
    expect((await anonymous().deployments.heartbeat({ token })).license).toMatchObject({
      status: "expired",
      plan: { key: "free" },
    });
    await callerFor(db, operator).licenses.revoke({ id: license.id });
    expect((await anonymous().deployments.heartbeat({ token })).license).toMatchObject({ status: "revoked" });
  });

  it("refuses unknown tokens (401) and deactivated deployments (409)", async () => {
    const { key, owner, organization } = await orgWithLicense(db, { deployments: 2 });
    for (const token of ["tnc_dep_nope", "anything"]) {
      expect(await failureOf(anonymous().deployments.heartbeat({ token }))).toMatchObject({
        code: "UNAUTHORIZED",
        reason: "deployment_token_invalid",
      });
    }
    const { token, deployment } = await activate(key, "a");
    await callerFor(db, owner).organizations.deployments.deactivate({
      organizationId: organization.id,
      id: deployment.id,
    });
    expect(await failureOf(anonymous().deployments.heartbeat({ token }))).toMatchObject({
      code: "CONFLICT",
      reason: "deployment_deactivated",
    });
  });
});

describe("organizations.deployments", () => {
  it("lists the license's deployments for org:view; deactivation needs org:manage, frees the slot, is audited once", async () => {
    const { key, owner, organization } = await orgWithLicense(db, { deployments: 1 });
    const viewer = await createUser(db);
    const admin = await createUser(db);
    await callerFor(db, owner).organizations.members.add({
      organizationId: organization.id,
      email: viewer.email,
      role: "viewer",
    });
    await callerFor(db, owner).organizations.members.add({
      organizationId: organization.id,
      email: admin.email,
      role: "admin",
    });
    const { deployment } = await activate(key, "a");
    expect(
      (await callerFor(db, viewer).organizations.deployments.list({ organizationId: organization.id })).deployments,
    ).toHaveLength(1);
    expect(
      await failureOf(
        callerFor(db, viewer).organizations.deployments.deactivate({
          organizationId: organization.id,
          id: deployment.id,
        }),
      ),
    ).toMatchObject({ code: "FORBIDDEN", reason: "permission_denied" });
    const done = await callerFor(db, admin).organizations.deployments.deactivate({
      organizationId: organization.id,
      id: deployment.id,
    });
    expect(done.deployment.status).toBe("deactivated");
    await callerFor(db, admin).organizations.deployments.deactivate({
      organizationId: organization.id,
      id: deployment.id,
    });
    expect(await countRows(db, "audit_event", `action = 'deployment.deactivated'`)).toBe(1);
    // The slot is free: another deployment fits; the deactivated one may come back only if a slot is free.
    await activate(key, "b");
    expect(await failureOf(activate(key, "a"))).toMatchObject({ reason: "deployment_limit_reached" });

    // Another organization's deployment is not found from here.
    const other = await orgWithLicense(db, { deployments: 1 }, "Other");
    const theirs = await activate(other.key, "theirs");
    expect(
      await failureOf(
        callerFor(db, admin).organizations.deployments.deactivate({
          organizationId: organization.id,
          id: theirs.deployment.id,
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND", reason: "deployment_not_found" });
  });

  it("is empty without a license; deployments follow their license when it moves", async () => {
    const { operator, owner, organization, license, key } = await orgWithLicense(db, { deployments: 2 });
    await activate(key, "a");
    await callerFor(db, owner).organizations.license.unassign({ organizationId: organization.id });
    expect(await callerFor(db, owner).organizations.deployments.list({ organizationId: organization.id })).toEqual({
      deployments: [],
      active: 0,
      limit: 0,
    });
    const elsewhere = await createUser(db);
    const { organization: next } = await callerFor(db, elsewhere).organizations.create({ name: "Next" });
    await callerFor(db, operator).organizations.license.assign({ organizationId: next.id, licenseId: license.id });
    expect((await callerFor(db, elsewhere).organizations.deployments.list({ organizationId: next.id })).active).toBe(1);
  });
});
