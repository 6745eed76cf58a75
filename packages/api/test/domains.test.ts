import { createEmailVerificationToken } from "better-auth/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startDnsServer, type DnsServer } from "@tenancy/testing/dns-server";

import { createAuth } from "../src/auth/auth";
import { autoJoinByVerifiedEmail } from "../src/services/domains";
import {
  callerFor,
  countRows,
  createOrganizationWithRoles,
  createUser,
  failureOf,
  testConfig,
  useTestDatabase,
  type TestUser,
} from "./harness";

const db = useTestDatabase();

// A DNS server this file controls, on loopback: the TXT records the owners "publish".
let dns: DnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
});
afterAll(async () => {
  await dns?.stop();
});

const as = (user: TestUser | null) =>
  callerFor(db, user, { config: { dns: { servers: [dns.address], timeoutMs: 1000 } } });

async function verifiedUser(email: string, name = "Someone"): Promise<TestUser> {
  const user = await createUser(db, { email, name });
  await db.prisma.user.update({ where: { id: user.userId }, data: { emailVerified: true }, select: { id: true } });
  return user;
}

/** An organization with acme.com proven (the TXT record published) and the given policy. */
async function orgWithVerifiedDomain(
  policy: "none" | "suggest" | "auto_join",
  joinRole = "member",
  prepare?: (fixture: Awaited<ReturnType<typeof createOrganizationWithRoles>>) => Promise<void>,
) {
  const fixture = await createOrganizationWithRoles(db, "Acme");
  await prepare?.(fixture);
  const asOwner = as(fixture.owner);
  const { domain } = await asOwner.organizations.domains.add({
    organizationId: fixture.organization.id,
    domain: "acme.com",
  });
  dns.setTxt(domain.txtRecord.name, [domain.txtRecord.value]);
  await asOwner.organizations.domains.verify({ organizationId: fixture.organization.id, id: domain.id });
  await asOwner.organizations.domains.update({
    organizationId: fixture.organization.id,
    id: domain.id,
    policy,
    joinRole,
  });
  return { ...fixture, domainId: domain.id };
}

describe("domains.add", () => {
  it("normalizes the name and returns the TXT record that proves it; only owners manage domains", async () => {
    const { organization, owner, admin, member } = await createOrganizationWithRoles(db);
    const { domain } = await as(owner).organizations.domains.add({
      organizationId: organization.handle,
      domain: " ACME.com. ",
    });
    expect(domain).toMatchObject({
      domain: "acme.com",
      status: "pending",
      policy: "none",
      joinRole: "member",
      verifiedAt: null,
      txtRecord: {
        name: "_tenancy-verification.acme.com",
        value: expect.stringMatching(/^tenancy-verification=[\w-]{43}$/),
      },
    });
    // The value is derived, not stored: the same on every read, different for another claim.
    const listed = await as(owner).organizations.domains.list({ organizationId: organization.id });
    expect(listed.domains[0]!.txtRecord).toEqual(domain.txtRecord);
    const { domain: other } = await as(owner).organizations.domains.add({
      organizationId: organization.id,
      domain: "Bücher.example",
    });
    expect(other.domain).toBe("xn--bcher-kva.example");
    expect(other.txtRecord.value).not.toBe(domain.txtRecord.value);
    const stored = JSON.stringify(await db.sql.query("SELECT * FROM organization_domain"));
    expect(stored).not.toContain(domain.txtRecord.value.split("=")[1]);

    for (const user of [admin, member]) {
      expect(await failureOf(as(user).organizations.domains.list({ organizationId: organization.id }))).toMatchObject({
        code: "FORBIDDEN",
        reason: "permission_denied",
      });
    }
    expect(
      await failureOf(
        as(await createUser(db)).organizations.domains.add({ organizationId: organization.id, domain: "x.com" }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses what is not a public domain, a duplicate, and more than 20", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const asOwner = as(owner);
    const add = (domain: string) =>
      failureOf(asOwner.organizations.domains.add({ organizationId: organization.id, domain }));
    for (const [input, message] of [
      ["https://acme.com/", /no https:\/\//],
      ["bob@acme.com", /no https:\/\//],
      ["acme", /not a valid domain/],
      ["-acme.com", /not a valid domain/],
      ["10.0.0.1", /not an IP address/],
      ["printer.local", /public domain/],
    ] as const) {
      expect(await add(input), input).toMatchObject({
        code: "BAD_REQUEST",
        reason: "domain_invalid",
        message: expect.stringMatching(message),
      });
    }
    await asOwner.organizations.domains.add({ organizationId: organization.id, domain: "acme.com" });
    expect(await add("ACME.COM")).toMatchObject({ code: "CONFLICT", reason: "domain_already_added" });
    for (let i = 1; i < 20; i++)
      await asOwner.organizations.domains.add({ organizationId: organization.id, domain: `d${i}.example` });
    expect(await add("one-too-many.example")).toMatchObject({ code: "CONFLICT", reason: "domain_limit_reached" });
  });
});

describe("domains.verify", () => {
  it("proves the domain only with this claim's TXT value; failures are kept and explained", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const asOwner = as(owner);
    const { domain } = await asOwner.organizations.domains.add({
      organizationId: organization.id,
      domain: "proof.example",
    });
    const verify = () => asOwner.organizations.domains.verify({ organizationId: organization.id, id: domain.id });

    const missing = await verify();
    expect(missing.domain).toMatchObject({
      status: "pending",
      lastCheckError: "No TXT record found at _tenancy-verification.proof.example yet.",
    });
    expect(missing.domain.lastCheckedAt).toBeInstanceOf(Date);

    dns.setTxt(domain.txtRecord.name, ["v=spf1 -all", "tenancy-verification=someone-elses-value"]);
    expect((await verify()).domain.lastCheckError).toMatch(/has TXT records, but none is tenancy-verification=/);

    // Among other records, and long enough to arrive in pieces: still found.
    dns.setTxt(domain.txtRecord.name, ["v=spf1 -all", domain.txtRecord.value, "x".repeat(300)]);
    const proven = await verify();
    expect(proven.domain).toMatchObject({ status: "verified", lastCheckError: null });
    expect(proven.domain.verifiedAt).toBeInstanceOf(Date);
    // Verifying again is a no-op, even once the record is gone.
    dns.deleteName(domain.txtRecord.name);
    expect((await verify()).domain.status).toBe("verified");

    const { events } = await asOwner.organizations.audit.list({
      organizationId: organization.id,
      actionGroup: "domain",
    });
    expect(events.map((e) => [e.action, e.target?.label])).toEqual([
      ["domain.verified", "proof.example"],
      ["domain.added", "proof.example"],
    ]);
  });

  it("says so when the DNS server cannot be reached", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const unreachable = callerFor(db, owner, { config: { dns: { servers: ["127.0.0.1:9"], timeoutMs: 300 } } });
    const { domain } = await unreachable.organizations.domains.add({
      organizationId: organization.id,
      domain: "down.example",
    });
    const result = await unreachable.organizations.domains.verify({ organizationId: organization.id, id: domain.id });
    expect(result.domain.status).toBe("pending");
    expect(result.domain.lastCheckError).toMatch(
      /The DNS lookup of _tenancy-verification\.down\.example failed \(E[A-Z]+\)/,
    );
  });

  it("a domain is verified by one organization at most: the second gets CONFLICT domain_taken", async () => {
    const first = await orgWithVerifiedDomain("none");
    const second = await createOrganizationWithRoles(db, "Rival");
    const asRival = as(second.owner);
    const { domain } = await asRival.organizations.domains.add({
      organizationId: second.organization.id,
      domain: "acme.com",
    });
    dns.setTxt(domain.txtRecord.name, [domain.txtRecord.value]);
    expect(
      await failureOf(asRival.organizations.domains.verify({ organizationId: second.organization.id, id: domain.id })),
    ).toMatchObject({ code: "CONFLICT", reason: "domain_taken" });
    const listed = await asRival.organizations.domains.list({ organizationId: second.organization.id });
    expect(listed.domains[0]).toMatchObject({
      status: "pending",
      lastCheckError: "Another organization has already verified this domain.",
    });
    // Once the first lets go of it, the second can prove it.
    await as(first.owner).organizations.domains.remove({ organizationId: first.organization.id, id: first.domainId });
    expect(
      (await asRival.organizations.domains.verify({ organizationId: second.organization.id, id: domain.id })).domain
        .status,
    ).toBe("verified");
  });
});

describe("domain policies", () => {
  it("need a verified domain; the role is any of the organization's but owner", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const asOwner = as(owner);
    const { domain } = await asOwner.organizations.domains.add({
      organizationId: organization.id,
      domain: "later.example",
    });
    expect(
      await failureOf(
        asOwner.organizations.domains.update({ organizationId: organization.id, id: domain.id, policy: "auto_join" }),
      ),
    ).toMatchObject({ code: "CONFLICT", reason: "domain_not_verified" });
    expect(
      await failureOf(
        asOwner.organizations.domains.update({
          organizationId: organization.id,
          id: domain.id,
          policy: "none",
          joinRole: "owner",
        }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { joinRole: expect.any(Array) } });
    expect(
      await failureOf(
        asOwner.organizations.domains.update({ organizationId: organization.id, id: "nope", policy: "none" }),
      ),
    ).toMatchObject({ code: "NOT_FOUND", reason: "domain_not_found" });
  });

  it("suggest: people with a verified address there see the organization and join with the chosen role", async () => {
    const { organization, owner } = await orgWithVerifiedDomain("suggest", "viewer");
    const dana = await verifiedUser("dana@acme.com", "Dana");
    const suggested = await as(dana).organizations.domains.suggested();
    expect(suggested).toEqual({
      emailVerified: true,
      suggestions: [
        {
          organization: { id: organization.id, handle: organization.handle, name: "Acme", logoUrl: null },
          domain: "acme.com",
          role: "viewer",
          roleName: "Viewer",
        },
      ],
    });
    const joined = await as(dana).organizations.domains.join({ organizationId: organization.handle });
    expect(joined).toMatchObject({
      role: "viewer",
      roleName: "Viewer",
      alreadyMember: false,
      organization: { id: organization.id },
    });
    expect((await as(dana).organizations.get({ organizationId: organization.id })).role).toBe("viewer");
    expect((await as(dana).organizations.domains.suggested()).suggestions).toEqual([]);
    expect(await as(dana).organizations.domains.join({ organizationId: organization.id })).toMatchObject({
      alreadyMember: true,
    });
    const { events } = await as(owner).organizations.audit.list({ organizationId: organization.id, limit: 1 });
    expect(events[0]).toMatchObject({
      action: "member.joined_by_domain",
      actor: { label: "dana@acme.com" },
      metadata: { domain: "acme.com", role: "viewer", automatic: false },
    });
  });

  it("nothing for unverified addresses, other domains, subdomains, policy none or inactive organizations", async () => {
    const { organization, owner, domainId } = await orgWithVerifiedDomain("suggest");
    const unverified = await createUser(db, { email: "uma@acme.com", emailVerified: false });
    expect(await as(unverified).organizations.domains.suggested()).toEqual({ emailVerified: false, suggestions: [] });
    expect(
      await failureOf(as(unverified).organizations.domains.join({ organizationId: organization.id })),
    ).toMatchObject({
      code: "FORBIDDEN",
      reason: "email_unverified",
    });
    for (const email of ["ann@other.example", "sub@eng.acme.com"]) {
      const user = await verifiedUser(email);
      expect((await as(user).organizations.domains.suggested()).suggestions, email).toEqual([]);
      expect(
        await failureOf(as(user).organizations.domains.join({ organizationId: organization.id })),
        email,
      ).toMatchObject({
        code: "NOT_FOUND",
        reason: "organization_not_found",
      });
    }
    const carl = await verifiedUser("carl@acme.com");
    await as(owner).organizations.domains.update({ organizationId: organization.id, id: domainId, policy: "none" });
    expect((await as(carl).organizations.domains.suggested()).suggestions).toEqual([]);
    await as(owner).organizations.domains.update({ organizationId: organization.id, id: domainId, policy: "suggest" });
    await as(owner).organizations.update({ organizationId: organization.id, active: false });
    expect((await as(carl).organizations.domains.suggested()).suggestions).toEqual([]);
  });
});

describe("custom roles as the domain's join role (issue 10)", () => {
  const withSupportRole = async ({ organization, owner }: Awaited<ReturnType<typeof createOrganizationWithRoles>>) => {
    await as(owner).organizations.customRoles.create({
      organizationId: organization.id,
      key: "support",
      name: "Support",
      permissions: ["members:view", "audit:view"],
    });
  };

  it("a custom role of the organization works: people join with it, and see its name", async () => {
    const { organization, owner, domainId } = await orgWithVerifiedDomain("suggest", "support", withSupportRole);
    const listed = await as(owner).organizations.domains.list({ organizationId: organization.id });
    expect(listed.domains.find((d) => d.id === domainId)).toMatchObject({ policy: "suggest", joinRole: "support" });
    const dana = await verifiedUser("dana@acme.com", "Dana");
    expect((await as(dana).organizations.domains.suggested()).suggestions).toEqual([
      expect.objectContaining({ domain: "acme.com", role: "support", roleName: "Support" }),
    ]);
    const joined = await as(dana).organizations.domains.join({ organizationId: organization.id });
    expect(joined).toMatchObject({ role: "support", roleName: "Support", alreadyMember: false });
    const again = await as(dana).organizations.domains.join({ organizationId: organization.id });
    expect(again).toMatchObject({ role: "support", roleName: "Support", alreadyMember: true });
    // The role's powers, nothing more.
    const mine = await as(dana).organizations.get({ organizationId: organization.id });
    expect(mine.role).toBe("support");
    expect(mine.permissions).toEqual(expect.arrayContaining(["members:view", "audit:view"]));
    expect(mine.permissions).not.toContain("members:manage");
  });

  it("refuses another organization's key and unknown keys (400), and roles beyond the caller's permissions (403)", async () => {
    const { organization, owner, member, domainId } = await orgWithVerifiedDomain("none", "member", withSupportRole);
    const other = await createOrganizationWithRoles(db, "Other");
    await as(other.owner).organizations.customRoles.create({
      organizationId: other.organization.id,
      key: "billing",
      name: "Billing",
      permissions: ["license:manage"],
    });
    const update = (user: TestUser, joinRole: string) =>
      as(user).organizations.domains.update({
        organizationId: organization.id,
        id: domainId,
        policy: "auto_join",
        joinRole,
      });
    for (const key of ["billing", "ghost"]) {
      expect(await failureOf(update(owner, key)), key).toMatchObject({
        code: "BAD_REQUEST",
        reason: "invalid_input",
        details: { field: "joinRole" },
      });
    }
    // A member whose custom role manages domains, and holds nothing else, grants nothing beyond it.
    await as(owner).organizations.customRoles.create({
      organizationId: organization.id,
      key: "domain-keeper",
      name: "Domain keeper",
      permissions: ["domains:manage"],
    });
    await as(owner).organizations.members.setRole({
      organizationId: organization.id,
      userId: member.userId,
      role: "domain-keeper",
    });
    for (const key of ["admin", "viewer", "support"]) {
      expect(await failureOf(update(member, key)), key).toMatchObject({
        code: "FORBIDDEN",
        reason: "permission_escalation",
      });
    }
    // Even when only the policy changes: letting people in as a role is granting it.
    await as(owner).organizations.domains.update({
      organizationId: organization.id,
      id: domainId,
      policy: "none",
      joinRole: "support",
    });
    expect(
      await failureOf(
        as(member).organizations.domains.update({
          organizationId: organization.id,
          id: domainId,
          policy: "suggest",
          joinRole: "support",
        }),
      ),
    ).toMatchObject({ code: "FORBIDDEN", reason: "permission_escalation" });
    const domain = await db.prisma.organizationDomain.findUniqueOrThrow({
      where: { id: domainId },
      select: { policy: true, joinRole: true },
    });
    expect(domain).toEqual({ policy: "none", joinRole: "support" });
    // Within their permissions it works.
    const kept = await update(member, "domain-keeper");
    expect(kept.domain).toMatchObject({ policy: "auto_join", joinRole: "domain-keeper" });
  });

  it("a role used by a domain is in use; reassignTo moves the domain, and people then join with the new role", async () => {
    const { organization, owner, domainId } = await orgWithVerifiedDomain("suggest", "support", withSupportRole);
    const asOwner = as(owner).organizations;
    expect(
      await failureOf(asOwner.customRoles.delete({ organizationId: organization.id, key: "support" })),
    ).toMatchObject({
      code: "CONFLICT",
      reason: "role_in_use",
      details: { members: 0, pendingInvitations: 0, activeJoinCodes: 0, domains: 1 },
    });
    const usage = (await asOwner.customRoles.list({ organizationId: organization.id })).roles.find(
      (r) => r.key === "support",
    )?.usage;
    expect(usage).toEqual({ members: 0, pendingInvitations: 0, activeJoinCodes: 0, domains: 1 });
    // Domains never make owners, not even through a reassignment.
    expect(
      await failureOf(
        asOwner.customRoles.delete({ organizationId: organization.id, key: "support", reassignTo: "owner" }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST", details: { field: "reassignTo" } });
    expect(await countRows(db, "organization_role", `"organizationId" = $1`, [organization.id])).toBe(1);

    const result = await asOwner.customRoles.delete({
      organizationId: organization.id,
      key: "support",
      reassignTo: "viewer",
    });
    expect(result.reassigned).toEqual({ members: 0, pendingInvitations: 0, activeJoinCodes: 0, domains: 1 });
    const listed = await asOwner.domains.list({ organizationId: organization.id });
    expect(listed.domains.find((d) => d.id === domainId)?.joinRole).toBe("viewer");
    const erin = await verifiedUser("erin@acme.com", "Erin");
    expect((await as(erin).organizations.domains.suggested()).suggestions[0]).toMatchObject({
      role: "viewer",
      roleName: "Viewer",
    });
    expect(await as(erin).organizations.domains.join({ organizationId: organization.id })).toMatchObject({
      role: "viewer",
    });
  });

  it("a join racing the deletion of its role with reassignTo never leaves a deleted role", async () => {
    const rounds = process.env.TEST_DB === "postgres" ? 6 : 3;
    for (let round = 0; round < rounds; round++) {
      await db.prisma.organizationDomain.deleteMany({});
      const { organization, owner } = await orgWithVerifiedDomain("suggest", "support", withSupportRole);
      const user = await verifiedUser(`race${round}@acme.com`);
      // The suggestion was read before the delete: the join re-reads the role under the lock.
      expect((await as(user).organizations.domains.suggested()).suggestions[0]?.role).toBe("support");
      const [joined, deleted] = await Promise.allSettled([
        as(user).organizations.domains.join({ organizationId: organization.id }),
        as(owner).organizations.customRoles.delete({
          organizationId: organization.id,
          key: "support",
          reassignTo: "viewer",
        }),
      ]);
      expect(joined.status, `round ${round}`).toBe("fulfilled");
      expect(deleted.status, `round ${round}`).toBe("fulfilled");
      const membership = await db.prisma.membership.findUniqueOrThrow({
        where: { organizationId_userId: { organizationId: organization.id, userId: user.userId } },
        select: { role: true },
      });
      expect(membership.role, `round ${round}`).toBe("viewer");
    }
  });

  it("auto_join with a custom role joins with it when the address is verified", async () => {
    const { organization } = await orgWithVerifiedDomain("auto_join", "support", withSupportRole);
    // What the email verification hook calls (the Better Auth path is covered below).
    const fay = await verifiedUser("fay@acme.com", "Fay");
    expect(await autoJoinByVerifiedEmail(db.prisma, fay.userId)).toMatchObject({
      role: "support",
      roleName: "Support",
    });
    expect(
      await db.prisma.membership.findUnique({
        where: { organizationId_userId: { organizationId: organization.id, userId: fay.userId } },
        select: { role: true },
      }),
    ).toEqual({ role: "support" });
  });
});

describe("auto_join through Better Auth's email verification", () => {
  const BASE = "http://tenancy.test";
  const auth = () => createAuth({ db: db.prisma, secrets: testConfig.secrets, baseURL: BASE, rateLimit: false });

  async function signUpAndVerify(email: string) {
    const instance = auth();
    const signUp = await instance.handler(
      new Request(`${BASE}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: BASE },
        body: JSON.stringify({ email, password: "correct horse battery", name: "Newcomer" }),
      }),
    );
    expect(signUp.status).toBe(200);
    const { id } = await db.prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
    const before = await db.prisma.membership.count({ where: { userId: id } });
    // The link a verification email carries.
    const token = await createEmailVerificationToken(testConfig.secrets.current, email, undefined, 3600, {
      userId: id,
    });
    const verified = await instance.handler(new Request(`${BASE}/api/auth/verify-email?token=${token}`));
    expect(verified.status).toBe(200);
    return { id, before };
  }

  it("joins the organization with the chosen role when the address is verified, once", async () => {
    const { organization, owner } = await orgWithVerifiedDomain("auto_join", "member");
    const { id, before } = await signUpAndVerify("nico@acme.com");
    expect(before).toBe(0);
    const membership = await db.prisma.membership.findUnique({
      where: { organizationId_userId: { organizationId: organization.id, userId: id } },
      select: { role: true },
    });
    expect(membership).toEqual({ role: "member" });
    const { events } = await as(owner).organizations.audit.list({ organizationId: organization.id, limit: 1 });
    expect(events[0]).toMatchObject({
      action: "member.joined_by_domain",
      metadata: { automatic: true, domain: "acme.com" },
    });

    // Removed by an admin, they are not added back by anything that follows.
    await as(owner).organizations.members.remove({ organizationId: organization.id, userId: id });
    const again = await createEmailVerificationToken(testConfig.secrets.current, "nico@acme.com", undefined, 3600, {
      userId: id,
    });
    await auth().handler(new Request(`${BASE}/api/auth/verify-email?token=${again}`));
    expect(await db.prisma.membership.count({ where: { userId: id } })).toBe(0);
  });

  it("accepting an emailed invitation verifies the address, and that joins the auto_join organization too", async () => {
    const { organization: acme } = await orgWithVerifiedDomain("auto_join", "viewer");
    const other = await createOrganizationWithRoles(db, "Other");
    const pia = await createUser(db, { email: "pia@acme.com", name: "Pia", emailVerified: false });
    const { token } = await as(other.owner).organizations.invitations.create({
      organizationId: other.organization.id,
      email: "pia@acme.com",
    });
    await as(pia).organizations.invitations.accept({ token });
    expect(
      await db.prisma.user.findUniqueOrThrow({ where: { id: pia.userId }, select: { emailVerified: true } }),
    ).toEqual({
      emailVerified: true,
    });
    const memberships = await db.prisma.membership.findMany({
      where: { userId: pia.userId },
      select: { organizationId: true, role: true },
      orderBy: { organizationId: "asc" },
    });
    expect(memberships).toEqual(
      [
        { organizationId: other.organization.id, role: "member" },
        { organizationId: acme.id, role: "viewer" },
      ].sort((a, b) => a.organizationId.localeCompare(b.organizationId)),
    );
  });

  it("with suggest (not auto_join) or another domain, verifying joins nothing", async () => {
    await orgWithVerifiedDomain("suggest");
    expect((await signUpAndVerify("sam@acme.com")).id).toBeTruthy();
    expect(await db.prisma.membership.count({ where: { user: { email: "sam@acme.com" } } })).toBe(0);
    await signUpAndVerify("olga@elsewhere.example");
    expect(await db.prisma.membership.count({ where: { user: { email: "olga@elsewhere.example" } } })).toBe(0);
  });
});
