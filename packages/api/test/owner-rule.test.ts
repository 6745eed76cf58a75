import { describe, expect, it } from "vitest";
import { z } from "zod";

import { TRPCError } from "@trpc/server";

import type { Actor } from "../src/domain/actor";
import { appRouter } from "../src/root";
import { resolveOrganizationAccess } from "../src/services/access";
import { createInvitation } from "../src/services/invitations";
import { createJoinCode } from "../src/services/joinCodes";
import { addMember } from "../src/services/members";
import { authedProcedure, describeError, orgProcedure, resolvesOrganizationAccess } from "../src/trpc";
import { callerFor, countRows, createUser, failureOf, testConfig, type TestUser, useTestDatabase } from "./harness";

// "Only owners grant or remove owner" is one function (access.ts assertOwnerRule), re-checked under the
// organization's membership lock by every path that gives a role: members, invitations, join codes.

const db = useTestDatabase();

const ROUNDS = process.env.TEST_DB === "postgres" ? 10 : 3;

async function organizationWithTwoOwners(round = 0) {
  const a = await createUser(db, { name: `Owner A ${round}` });
  const b = await createUser(db, { name: `Owner B ${round}` });
  const { organization } = await callerFor(db, a).organizations.create({ name: `Owners ${round}` });
  await callerFor(db, a).organizations.members.add({ organizationId: organization.id, email: b.email, role: "owner" });
  return { organizationId: organization.id, a, b };
}

/** What the request resolved before the transaction: the caller's access, as a procedure gets it. */
const accessOf = (actor: Actor, organizationId: string) =>
  resolveOrganizationAccess(db.prisma, actor, organizationId, { permission: "members:manage", requireActive: true });

async function refusal(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    const trpc = error instanceof TRPCError ? error : null;
    return { reason: trpc ? describeError(trpc).reason : (error as { reason?: string }).reason, error };
  }
  return null;
}

describe("an owner demoted after their request was resolved (the review's race, made deterministic)", () => {
  it("cannot mint an invitation, a join code or a membership that grants owner", async () => {
    const { organizationId, a, b } = await organizationWithTwoOwners();
    const newcomer = await createUser(db);
    // a's request is resolved while a is an owner ...
    const staleAccess = await accessOf(a, organizationId);
    expect(staleAccess.membership?.role).toBe("owner");
    // ... then b demotes a before a's transaction runs.
    await callerFor(db, b).organizations.members.setRole({ organizationId, userId: a.userId, role: "admin" });

    // Started one at a time (thunks), so no attempt can reject while another is awaited.
    const attempts = {
      invitation: () =>
        createInvitation(db.prisma, testConfig, a, staleAccess, {
          email: "boss@example.com",
          role: "owner",
          expiresInDays: 7,
        }),
      joinCode: () => createJoinCode(db.prisma, a, staleAccess, { role: "owner" }),
      member: () => addMember(db.prisma, testConfig, a, staleAccess, { email: newcomer.email, role: "owner" }),
    };
    for (const [what, attempt] of Object.entries(attempts)) {
      expect((await refusal(attempt()))?.reason, what).toBe("owner_required");
    }
    expect(await countRows(db, "invitation")).toBe(0);
    expect(await countRows(db, "join_code")).toBe(0);
    expect(await countRows(db, "membership", `"userId" = $1`, [newcomer.userId])).toBe(0);
    // Nothing was queued either.
    expect(await countRows(db, "email_outbox", `kind = 'invitation'`)).toBe(0);

    // Granting a lesser role is not the owner rule's business: a (now admin) may still do that.
    const ok = await createJoinCode(db.prisma, a, await accessOf(a, organizationId), { role: "member" });
    expect(ok.joinCode.role).toBe("member");
  });

  it("is refused with the same reason and words on every path", async () => {
    const { organizationId, a } = await organizationWithTwoOwners();
    const admin = await createUser(db);
    await callerFor(db, a).organizations.members.add({ organizationId, email: admin.email, role: "admin" });
    const target = await createUser(db);
    const asAdmin = callerFor(db, admin).organizations;
    const failures = await Promise.all([
      failureOf(asAdmin.invitations.create({ organizationId, email: "x@example.com", role: "owner" })),
      failureOf(asAdmin.joinCodes.create({ organizationId, role: "owner" })),
      failureOf(asAdmin.members.add({ organizationId, email: target.email, role: "owner" })),
      failureOf(asAdmin.members.setRole({ organizationId, userId: a.userId, role: "member" })),
      failureOf(asAdmin.members.remove({ organizationId, userId: a.userId })),
    ]);
    expect(new Set(failures.map((f) => JSON.stringify([f.code, f.reason, f.message])))).toEqual(
      new Set([
        JSON.stringify(["FORBIDDEN", "owner_required", "Only an owner can grant, change or remove the owner role"]),
      ]),
    );
  });
});

describe("an owner being demoted while granting owner, at the same moment", () => {
  async function race(
    grant: (a: TestUser, organizationId: string) => Promise<unknown>,
    grantedAction: string,
  ): Promise<void> {
    for (let round = 0; round < ROUNDS; round++) {
      const { organizationId, a, b } = await organizationWithTwoOwners(round);
      const [granted, demoted] = await Promise.all([
        refusal(grant(a, organizationId)),
        refusal(callerFor(db, b).organizations.members.setRole({ organizationId, userId: a.userId, role: "admin" })),
      ]);
      expect(demoted, `round ${round}`).toBeNull();
      if (granted) expect(granted.reason, `round ${round}`).toBe("owner_required");
      // Changes are serialized per organization: a grant that succeeded took effect while a was an owner.
      const actions = await db.sql.query<{ action: string }>(
        `SELECT action FROM audit_event WHERE "organizationId" = $1 AND action IN ($2, 'member.role_changed') ORDER BY id`,
        [organizationId, grantedAction],
      );
      expect(
        actions.map((row) => row.action),
        `round ${round}`,
      ).toEqual(granted ? ["member.role_changed"] : [grantedAction, "member.role_changed"]);
    }
  }

  it("an owner invitation only counts if it came first", async () => {
    await race(
      (a, organizationId) =>
        callerFor(db, a).organizations.invitations.create({ organizationId, email: "boss@example.com", role: "owner" }),
      "invitation.created",
    );
  });

  it("an owner join code only counts if it came first", async () => {
    await race(
      (a, organizationId) => callerFor(db, a).organizations.joinCodes.create({ organizationId, role: "owner" }),
      "join_code.created",
    );
  });
});

/** The top-level keys an input schema accepts (through unions, optionals, defaults and pipes). */
function inputKeys(schema: unknown): Set<string> {
  const keys = new Set<string>();
  const visit = (node: unknown) => {
    const def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return;
    switch (def.type) {
      case "object":
        for (const key of Object.keys(def.shape as object)) keys.add(key);
        break;
      case "union":
        for (const option of def.options as unknown[]) visit(option);
        break;
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "readonly":
        visit(def.innerType);
        break;
      case "pipe":
        visit(def.in);
        break;
    }
  };
  visit(schema);
  return keys;
}

type AnyProcedure = Parameters<typeof resolvesOrganizationAccess>[0] & { _def: { inputs: unknown[] } };

/** Procedures that take an organizationId without going through orgProcedure, and why. */
const ORG_SCOPED_ELSEWHERE: Record<string, string> = {
  // Addressed by membership id as often as by (user, organization): the organization is only known
  // after the lookup, so the service resolves access itself (resolveOrganizationAccess, members:view).
  "organizations.memberships.get": "resolves access after finding the membership",
  // The caller is not a member yet (like joinCodes.join): the service admits them only when their
  // verified email's domain is the organization's, and answers NOT_FOUND otherwise.
  "organizations.domains.join": "admits non-members through a verified email domain",
};

function procedureWithoutOrgBuilder(procedures: Record<string, AnyProcedure>): string[] {
  return Object.entries(procedures)
    .filter(([path, procedure]) => {
      const takesOrganization = procedure._def.inputs.some((input) => inputKeys(input).has("organizationId"));
      return takesOrganization && !resolvesOrganizationAccess(procedure) && !(path in ORG_SCOPED_ELSEWHERE);
    })
    .map(([path]) => path);
}

describe("every org-scoped procedure goes through the one builder (orgProcedure)", () => {
  const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;

  it("holds for the whole router", () => {
    expect(procedureWithoutOrgBuilder(procedures)).toEqual([]);
    const scoped = Object.entries(procedures).filter(([, p]) => resolvesOrganizationAccess(p));
    // members, invitations, join codes, tokens, audit and the organization itself.
    expect(scoped.length).toBeGreaterThanOrEqual(18);
    for (const path of Object.keys(ORG_SCOPED_ELSEWHERE)) expect(procedures[path], path).toBeDefined();
  });

  it("would catch a procedure that takes an organizationId and skips the builder", () => {
    const forgetful = authedProcedure
      .input(z.object({ organizationId: z.string(), name: z.string() }))
      .mutation(() => "oops") as unknown as AnyProcedure;
    const viaUnion = authedProcedure
      .input(z.union([z.object({ id: z.string() }), z.object({ organizationId: z.string() })]).optional())
      .query(() => "oops") as unknown as AnyProcedure;
    const proper = orgProcedure("org:view")
      .input(z.object({ organizationId: z.string() }))
      .query(() => "fine") as unknown as AnyProcedure;
    expect(
      procedureWithoutOrgBuilder({ "x.forgetful": forgetful, "x.viaUnion": viaUnion, "x.proper": proper }),
    ).toEqual(["x.forgetful", "x.viaUnion"]);
  });
});
