import { describe, expect, it } from "vitest";

import { TRPCError } from "@trpc/server";

import { describeError } from "../src/trpc";
import { callerFor, countRows, createUser, type TestUser, useTestDatabase } from "./harness";

// On PostgreSQL these calls truly run at once (a pool of connections); on PGlite they interleave
// between queries. Either way an organization must never be left without an owner.

const db = useTestDatabase();

// PGlite runs one transaction at a time, so extra rounds there only cost time.
const ROUNDS = process.env.TEST_DB === "postgres" ? 10 : 3;

type Outcome = { ok: true } | { ok: false; code: string; reason: string };

/** Settles a call into success or its tRPC code and reason; anything but a tRPC error is rethrown. */
async function outcomeOf(call: Promise<unknown>): Promise<Outcome> {
  try {
    await call;
    return { ok: true };
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return { ok: false, code: error.code, reason: describeError(error).reason };
  }
}

async function organizationWithOwners(
  round: number,
  count: number,
): Promise<{ organizationId: string; owners: TestUser[] }> {
  const owners: TestUser[] = [];
  for (let i = 0; i < count; i++) owners.push(await createUser(db, { name: `Owner ${round}.${i}` }));
  const asFirst = callerFor(db, owners[0]!);
  const { organization } = await asFirst.organizations.create({ name: `Race ${round}` });
  for (const owner of owners.slice(1)) {
    await asFirst.organizations.members.add({ organizationId: organization.id, email: owner.email, role: "owner" });
  }
  return { organizationId: organization.id, owners };
}

const ownerCount = (organizationId: string) =>
  countRows(db, "membership", `"organizationId" = $1 AND role = 'owner'`, [organizationId]);
const eventCount = (organizationId: string, action: string) =>
  countRows(db, "audit_event", `"organizationId" = $1 AND action = $2`, [organizationId, action]);

/**
 * The loser is told it would leave no owner. Both calls start together, but on PostgreSQL the loser's
 * request is now and then only resolved (who is asking, with which role) after the winner committed:
 * it then comes from someone who is no longer an owner (owner_required) or no longer a member at all
 * (organization_not_found), which is just as true. Either way exactly one change happens.
 */
const LOSING_ANSWERS = [
  ["CONFLICT", "last_owner"],
  ["FORBIDDEN", "owner_required"],
  ["NOT_FOUND", "organization_not_found"],
];

function expectOneWinnerOneLastOwner(outcomes: Outcome[], round: number) {
  const wins = outcomes.filter((o) => o.ok);
  const losses = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
  expect(wins, `round ${round}: ${JSON.stringify(outcomes)}`).toHaveLength(1);
  expect(losses, `round ${round}`).toHaveLength(1);
  expect(LOSING_ANSWERS, `round ${round}`).toContainEqual([losses[0]!.code, losses[0]!.reason]);
  // On PGlite (one connection, calls interleaved between queries) both are always resolved first.
  if (process.env.TEST_DB !== "postgres") expect([losses[0]!.code, losses[0]!.reason]).toEqual(LOSING_ANSWERS[0]);
}

describe("two owners acting on each other at the same moment", () => {
  it("demoting each other: exactly one succeeds, the other gets CONFLICT last_owner", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { organizationId, owners } = await organizationWithOwners(round, 2);
      const [a, b] = owners as [TestUser, TestUser];
      const outcomes = await Promise.all([
        outcomeOf(callerFor(db, a).organizations.members.setRole({ organizationId, userId: b.userId, role: "admin" })),
        outcomeOf(callerFor(db, b).organizations.members.setRole({ organizationId, userId: a.userId, role: "admin" })),
      ]);
      expectOneWinnerOneLastOwner(outcomes, round);
      expect(await ownerCount(organizationId), `round ${round}`).toBe(1);
      expect(await eventCount(organizationId, "member.role_changed"), `round ${round}`).toBe(1);
    }
  });

  it("removing each other: exactly one succeeds, the other gets CONFLICT last_owner", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { organizationId, owners } = await organizationWithOwners(round, 2);
      const [a, b] = owners as [TestUser, TestUser];
      const outcomes = await Promise.all([
        outcomeOf(callerFor(db, a).organizations.members.remove({ organizationId, userId: b.userId })),
        outcomeOf(callerFor(db, b).organizations.members.remove({ organizationId, userId: a.userId })),
      ]);
      expectOneWinnerOneLastOwner(outcomes, round);
      expect(await ownerCount(organizationId), `round ${round}`).toBe(1);
      expect(await countRows(db, "membership", `"organizationId" = $1`, [organizationId])).toBe(1);
      expect(await eventCount(organizationId, "member.removed"), `round ${round}`).toBe(1);
    }
  });

  it("both leaving: exactly one leaves, the other gets CONFLICT last_owner", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { organizationId, owners } = await organizationWithOwners(round, 2);
      const outcomes = await Promise.all(
        owners.map((owner) => outcomeOf(callerFor(db, owner).organizations.members.leave({ organizationId }))),
      );
      expectOneWinnerOneLastOwner(outcomes, round);
      expect(await ownerCount(organizationId), `round ${round}`).toBe(1);
      expect(await eventCount(organizationId, "member.left"), `round ${round}`).toBe(1);
    }
  });

  it("one leaving while demoting the other: never zero owners", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { organizationId, owners } = await organizationWithOwners(round, 2);
      const [a, b] = owners as [TestUser, TestUser];
      const outcomes = await Promise.all([
        outcomeOf(callerFor(db, a).organizations.members.leave({ organizationId })),
        outcomeOf(callerFor(db, b).organizations.members.setRole({ organizationId, userId: b.userId, role: "member" })),
      ]);
      expectOneWinnerOneLastOwner(outcomes, round);
      expect(await ownerCount(organizationId), `round ${round}`).toBe(1);
    }
  });
});

describe("three owners demoting one another in a ring at the same moment", () => {
  it("keeps an owner, and a just-demoted owner cannot change anyone's owner role", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { organizationId, owners } = await organizationWithOwners(round, 3);
      const outcomes = await Promise.all(
        owners.map((actor, i) => {
          const target = owners[(i + 1) % owners.length]!;
          return outcomeOf(
            callerFor(db, actor).organizations.members.setRole({
              organizationId,
              userId: target.userId,
              role: "admin",
            }),
          );
        }),
      );
      expect(await ownerCount(organizationId), `round ${round}: ${JSON.stringify(outcomes)}`).toBeGreaterThanOrEqual(1);
      for (const outcome of outcomes) {
        if (!outcome.ok)
          expect([
            ["CONFLICT", "last_owner"],
            ["FORBIDDEN", "owner_required"],
          ]).toContainEqual([outcome.code, outcome.reason]);
      }
      // Changes are serialized per organization, so the audit order is the order they took effect:
      // replaying it, every change must have been made by someone who was an owner at that moment.
      const events = await db.sql.query<{ actorId: string; targetId: string; metadata: { from: string; to: string } }>(
        `SELECT "actorId", "targetId", metadata FROM audit_event WHERE "organizationId" = $1 AND action = 'member.role_changed' ORDER BY id`,
        [organizationId],
      );
      expect(events.length).toBe(outcomes.filter((o) => o.ok).length);
      const roles = new Map(owners.map((owner) => [owner.userId, "owner"]));
      for (const event of events) {
        expect(roles.get(event.actorId), `round ${round}: ${event.actorId} acted after losing the owner role`).toBe(
          "owner",
        );
        roles.set(event.targetId, event.metadata.to);
      }
    }
  });

  it("an owner being demoted while adding another owner: the add only counts if it came first", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { organizationId, owners } = await organizationWithOwners(round, 2);
      const [a, b] = owners as [TestUser, TestUser];
      const newcomer = await createUser(db, { name: `Newcomer ${round}` });
      const [added, demoted] = await Promise.all([
        outcomeOf(callerFor(db, a).organizations.members.add({ organizationId, email: newcomer.email, role: "owner" })),
        outcomeOf(callerFor(db, b).organizations.members.setRole({ organizationId, userId: a.userId, role: "admin" })),
      ]);
      expect(demoted, `round ${round}`).toEqual({ ok: true });
      if (!added.ok) expect([added.code, added.reason]).toEqual(["FORBIDDEN", "owner_required"]);
      const actions = await db.sql.query<{ action: string }>(
        `SELECT action FROM audit_event WHERE "organizationId" = $1 AND action IN ('member.added', 'member.role_changed') ORDER BY id`,
        [organizationId],
      );
      // The setup's own add of b comes first; then, if a's add succeeded, it must precede a's demotion.
      const sequence = actions.map((row) => row.action).slice(1);
      expect(sequence, `round ${round}`).toEqual(
        added.ok ? ["member.added", "member.role_changed"] : ["member.role_changed"],
      );
    }
  });
});
