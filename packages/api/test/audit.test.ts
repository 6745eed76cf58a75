import { describe, expect, it } from "vitest";

import {
  callerFor,
  callerForBearer,
  captureLogs,
  countRows,
  createOrganizationWithRoles,
  createUser,
  failureOf,
  useTestDatabase,
} from "./harness";

const db = useTestDatabase();

interface AuditRow {
  id: string;
  organizationId: string;
  actorType: string;
  actorId: string;
  actorLabel: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  metadata: unknown;
  /** Stored as UTC in a timestamp without time zone; read as epoch ms so the driver's local-time parsing cannot skew it. */
  createdAtMs: number;
}

async function auditRows(organizationId: string): Promise<AuditRow[]> {
  return db.sql.query<AuditRow>(
    `SELECT e.id::text AS id, "organizationId", "actorType", "actorId", "actorLabel", action, "targetType", "targetId", "targetLabel", metadata,
              (extract(epoch FROM "createdAt") * 1000)::float8 AS "createdAtMs"
       FROM audit_event e WHERE "organizationId" = $1 ORDER BY e.id`,
    [organizationId],
  );
}

/** Runs `change` and returns the audit rows it wrote, asserting there is exactly one. */
async function onlyEventOf(organizationId: string, change: () => Promise<unknown>): Promise<AuditRow> {
  const before = (await auditRows(organizationId)).length;
  await change();
  const after = await auditRows(organizationId);
  expect(after.length - before, "audit events written").toBe(1);
  return after.at(-1)!;
}

async function membershipSnapshot(): Promise<string> {
  const rows = await db.sql.query(`SELECT id, "organizationId", "userId", role FROM membership ORDER BY id`);
  return JSON.stringify(rows);
}

function expectRecent(date: Date) {
  expect(date).toBeInstanceOf(Date);
  expect(Math.abs(date.getTime() - Date.now())).toBeLessThan(10 * 60_000);
}

describe("audit.list", () => {
  it("needs audit:view: members and viewers get FORBIDDEN, outsiders NOT_FOUND, owners and admins read it", async () => {
    const { organization, owner, admin, member, viewer } = await createOrganizationWithRoles(db);
    for (const user of [member, viewer]) {
      expect(
        await failureOf(callerFor(db, user).organizations.audit.list({ organizationId: organization.id })),
      ).toMatchObject({
        code: "FORBIDDEN",
        reason: "permission_denied",
      });
    }
    expect(
      await failureOf(
        callerFor(db, await createUser(db)).organizations.audit.list({ organizationId: organization.id }),
      ),
    ).toMatchObject({
      code: "NOT_FOUND",
    });
    for (const user of [owner, admin]) {
      const { events } = await callerFor(db, user).organizations.audit.list({ organizationId: organization.handle });
      expect(events.map((e) => e.action)).toEqual([
        "member.added",
        "member.added",
        "member.added",
        "organization.created",
      ]);
    }
  });

  it("pages newest first with a keyset cursor, each event exactly once, never another organization's", async () => {
    const owner = await createUser(db);
    const asOwner = callerFor(db, owner);
    const { organization } = await asOwner.organizations.create({ name: "Acme" });
    const { organization: other } = await asOwner.organizations.create({ name: "Other" });
    for (let i = 1; i <= 22; i++) {
      await asOwner.organizations.update({ organizationId: organization.id, name: `Acme ${i}` });
      if (i % 5 === 0) await asOwner.organizations.update({ organizationId: other.id, name: `Other ${i}` });
    }

    const ids: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await asOwner.organizations.audit.list({ organizationId: organization.id, limit: 10, cursor });
      sizes.push(page.events.length);
      ids.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && sizes.length < 10);
    expect(sizes).toEqual([10, 10, 3]);
    const expected = (await auditRows(organization.id)).map((row) => row.id).reverse();
    expect(ids).toEqual(expected);
    const numeric = ids.map(BigInt);
    for (let i = 1; i < numeric.length; i++) expect(numeric[i]! < numeric[i - 1]!).toBe(true);

    const all = await asOwner.organizations.audit.list({ organizationId: organization.id, limit: 100 });
    expect(all.events).toHaveLength(23);
    expect(all.nextCursor).toBeNull();
    expect(all.events.at(-1)!.action).toBe("organization.created");
    expect(all.events[0]!.metadata).toEqual({ name: "Acme 22" });
  });

  it("refuses a malformed or out-of-range cursor with BAD_REQUEST instead of a first page or a 500", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner);
    for (const cursor of ["abc", "-1", "0", "1.5", "99999999999999999999", "9223372036854775808"]) {
      const failure = await failureOf(asOwner.organizations.audit.list({ organizationId: organization.id, cursor }));
      expect(failure, cursor).toMatchObject({ code: "BAD_REQUEST", reason: "invalid_input" });
    }
    const newest = (await asOwner.organizations.audit.list({ organizationId: organization.id, limit: 1 })).events[0]!;
    const beyond = await asOwner.organizations.audit.list({
      organizationId: organization.id,
      cursor: "9223372036854775807",
    });
    expect(beyond.events[0]!.id).toBe(newest.id);
  });
});

describe("every mutation writes exactly one audit event", () => {
  it("records actor, action, target and time for organization, member and token changes", async () => {
    const alice = await createUser(db, { name: "Alice", email: "alice@example.com" });
    const bob = await createUser(db, { name: "Bob", email: "bob@example.com" });
    const carol = await createUser(db, { name: "Carol", email: "carol@example.com" });
    const asAlice = callerFor(db, alice);

    const { organization } = await asAlice.organizations.create({ name: "Acme" });
    const orgId = organization.id;
    const [created] = await auditRows(orgId);
    expect(await auditRows(orgId)).toHaveLength(1);
    expect(created).toMatchObject({
      actorType: "user",
      actorId: alice.userId,
      actorLabel: "alice@example.com",
      action: "organization.created",
      targetType: "organization",
      targetId: orgId,
      targetLabel: "Acme",
      metadata: { handle: "acme" },
    });
    expectRecent(new Date(created!.createdAtMs));

    const updated = await onlyEventOf(orgId, () =>
      asAlice.organizations.update({ organizationId: orgId, description: "Widgets" }),
    );
    expect(updated).toMatchObject({
      action: "organization.updated",
      actorId: alice.userId,
      targetId: orgId,
      metadata: { description: "Widgets" },
    });

    const added = await onlyEventOf(orgId, () =>
      asAlice.organizations.members.add({ organizationId: orgId, email: bob.email, role: "admin" }),
    );
    expect(added).toMatchObject({
      action: "member.added",
      actorId: alice.userId,
      targetType: "user",
      targetId: bob.userId,
      targetLabel: bob.email,
      metadata: { role: "admin" },
    });

    const changed = await onlyEventOf(orgId, () =>
      asAlice.organizations.members.setRole({ organizationId: orgId, userId: bob.userId, role: "owner" }),
    );
    expect(changed).toMatchObject({
      action: "member.role_changed",
      targetId: bob.userId,
      metadata: { from: "admin", to: "owner" },
    });

    await asAlice.organizations.members.add({ organizationId: orgId, email: carol.email });
    const removed = await onlyEventOf(orgId, () =>
      callerFor(db, bob).organizations.members.remove({ organizationId: orgId, userId: carol.userId }),
    );
    expect(removed).toMatchObject({
      action: "member.removed",
      actorType: "user",
      actorId: bob.userId,
      actorLabel: bob.email,
      targetId: carol.userId,
      metadata: { role: "member" },
    });

    let token: { id: string; bearer: string } | undefined;
    const minted = await onlyEventOf(orgId, async () => {
      token = (await asAlice.organizations.tokens.create({ organizationId: orgId, name: "ci" })).apiToken;
    });
    expect(minted).toMatchObject({
      action: "api_token.created",
      actorId: alice.userId,
      targetType: "api_token",
      targetId: token!.id,
      targetLabel: "ci",
    });

    // Events made with a token name the token as the actor.
    const asToken = await callerForBearer(db, token!.bearer);
    const byToken = await onlyEventOf(orgId, () =>
      asToken.organizations.update({ organizationId: orgId, name: "Acme by CI" }),
    );
    expect(byToken).toMatchObject({ action: "organization.updated", actorType: "token", actorId: token!.id });
    expect(byToken.actorLabel).toContain("ci");
    const listed = await asAlice.organizations.audit.list({ organizationId: orgId, limit: 1 });
    expect(listed.events[0]).toMatchObject({ action: "organization.updated", actor: { type: "token", id: token!.id } });

    const revoked = await onlyEventOf(orgId, () =>
      asAlice.organizations.tokens.revoke({ organizationId: orgId, id: token!.id }),
    );
    expect(revoked).toMatchObject({ action: "api_token.revoked", actorId: alice.userId, targetId: token!.id });

    const left = await onlyEventOf(orgId, () =>
      callerFor(db, bob).organizations.members.leave({ organizationId: orgId }),
    );
    expect(left).toMatchObject({
      action: "member.left",
      actorId: bob.userId,
      targetId: bob.userId,
      metadata: { role: "owner" },
    });

    // The trail outlives the organization, deletion included.
    const deleted = await onlyEventOf(orgId, () => asAlice.organizations.delete({ organizationId: orgId }));
    expect(deleted).toMatchObject({
      action: "organization.deleted",
      actorId: alice.userId,
      targetId: orgId,
      metadata: { handle: "acme" },
    });

    const actions = (await auditRows(orgId)).map((row) => row.action);
    expect(actions).toEqual([
      "organization.created",
      "organization.updated",
      "member.added",
      "member.role_changed",
      "member.added",
      "member.removed",
      "api_token.created",
      "organization.updated",
      "api_token.revoked",
      "member.left",
      "organization.deleted",
    ]);
    const times = (await auditRows(orgId)).map((row) => row.createdAtMs);
    for (const time of times) expectRecent(new Date(time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("shows an event's actor, target and time through audit.list", async () => {
    const { organization, owner, admin } = await createOrganizationWithRoles(db);
    await callerFor(db, admin).organizations.update({ organizationId: organization.id, name: "Acme 2" });
    const [event] = (await callerFor(db, owner).organizations.audit.list({ organizationId: organization.id, limit: 1 }))
      .events;
    expect(event).toEqual({
      id: expect.stringMatching(/^\d+$/),
      action: "organization.updated",
      actor: { type: "user", id: admin.userId, label: admin.email },
      target: { type: "organization", id: organization.id, label: "Acme 2" },
      metadata: { name: "Acme 2" },
      createdAt: expect.any(Date),
    });
  });

  it("writes nothing (and changes nothing) when a mutation is refused", async () => {
    const { organization, owner, admin, member } = await createOrganizationWithRoles(db);
    const orgId = organization.id;
    const asOwner = callerFor(db, owner);
    const asAdmin = callerFor(db, admin);
    await asOwner.organizations.create({ name: "Beta" });
    const outsider = await createUser(db);
    const refusals: [string, () => Promise<unknown>, string][] = [
      [
        "setRole last owner",
        () => asOwner.organizations.members.setRole({ organizationId: orgId, userId: owner.userId, role: "admin" }),
        "last_owner",
      ],
      [
        "remove last owner",
        () => asOwner.organizations.members.remove({ organizationId: orgId, userId: owner.userId }),
        "last_owner",
      ],
      ["leave last owner", () => asOwner.organizations.members.leave({ organizationId: orgId }), "last_owner"],
      [
        "add existing member",
        () => asOwner.organizations.members.add({ organizationId: orgId, email: member.email }),
        "already_member",
      ],
      [
        "add unknown user",
        () => asOwner.organizations.members.add({ organizationId: orgId, email: "ghost@example.com" }),
        "user_not_found",
      ],
      [
        "admin adds owner",
        () => asAdmin.organizations.members.add({ organizationId: orgId, email: outsider.email, role: "owner" }),
        "owner_required",
      ],
      [
        "admin demotes owner",
        () => asAdmin.organizations.members.setRole({ organizationId: orgId, userId: owner.userId, role: "member" }),
        "owner_required",
      ],
      [
        "admin removes owner",
        () => asAdmin.organizations.members.remove({ organizationId: orgId, userId: owner.userId }),
        "owner_required",
      ],
      [
        "member adds",
        () => callerFor(db, member).organizations.members.add({ organizationId: orgId, email: outsider.email }),
        "permission_denied",
      ],
      [
        "handle taken",
        () => asOwner.organizations.update({ organizationId: orgId, name: "Renamed", handle: "beta" }),
        "handle_taken",
      ],
      ["admin deletes", () => asAdmin.organizations.delete({ organizationId: orgId }), "permission_denied"],
      [
        "member mints token",
        () => callerFor(db, member).organizations.tokens.create({ organizationId: orgId }),
        "permission_denied",
      ],
    ];
    const auditBefore = await countRows(db, "audit_event");
    const membershipsBefore = await membershipSnapshot();
    const organizationsBefore = JSON.stringify(await db.sql.query(`SELECT * FROM organization ORDER BY id`));
    for (const [label, refused, reason] of refusals) {
      expect(await failureOf(refused()), label).toMatchObject({ reason });
      expect(await countRows(db, "audit_event"), label).toBe(auditBefore);
    }
    expect(await membershipSnapshot()).toBe(membershipsBefore);
    expect(JSON.stringify(await db.sql.query(`SELECT * FROM organization ORDER BY id`))).toBe(organizationsBefore);
    expect(await countRows(db, "api_token")).toBe(0);
  });

  it("writes nothing for changes that change nothing (removing a non-member, setting the same role, revoking twice)", async () => {
    const { organization, owner, member } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner);
    const { apiToken } = await asOwner.organizations.tokens.create({ organizationId: organization.id });
    await asOwner.organizations.tokens.revoke({ organizationId: organization.id, id: apiToken.id });
    const before = await countRows(db, "audit_event");
    await asOwner.organizations.members.remove({
      organizationId: organization.id,
      userId: (await createUser(db)).userId,
    });
    await asOwner.organizations.members.setRole({
      organizationId: organization.id,
      userId: member.userId,
      role: "member",
    });
    await asOwner.organizations.tokens.revoke({ organizationId: organization.id, id: apiToken.id });
    expect(await countRows(db, "audit_event")).toBe(before);
  });
});

describe("a change and its audit event are one transaction", () => {
  /** Makes the database itself refuse audit events of `action` (a real failure midway through the change). */
  async function withAuditRefused<T>(action: string, run: () => Promise<T>): Promise<T> {
    await db.sql.exec(
      `ALTER TABLE audit_event ADD CONSTRAINT test_refuse_action CHECK (action <> '${action}') NOT VALID`,
    );
    try {
      return await run();
    } finally {
      await db.sql.exec(`ALTER TABLE audit_event DROP CONSTRAINT test_refuse_action`);
    }
  }

  it("rolls back the whole change when its audit event cannot be written", async () => {
    const logged = captureLogs();
    try {
      const { organization, owner, member, viewer } = await createOrganizationWithRoles(db);
      const orgId = organization.id;
      const asOwner = callerFor(db, owner);
      const second = await createUser(db);
      await asOwner.organizations.members.add({ organizationId: orgId, email: second.email, role: "owner" });
      const { apiToken } = await asOwner.organizations.tokens.create({ organizationId: orgId, name: "kept" });
      const outsider = await createUser(db);
      const snapshot = async () =>
        JSON.stringify([
          await db.sql.query(`SELECT "organizationId", "userId", role FROM membership ORDER BY id`),
          await db.sql.query(`SELECT id, handle, name, description, active FROM organization ORDER BY id`),
          await db.sql.query(`SELECT id, "revokedAt" FROM api_token ORDER BY id`),
          await countRows(db, "audit_event"),
        ]);
      const before = await snapshot();

      const attempts: [string, () => Promise<unknown>][] = [
        ["organization.created", () => asOwner.organizations.create({ name: "Never" })],
        ["organization.updated", () => asOwner.organizations.update({ organizationId: orgId, name: "Never" })],
        ["member.added", () => asOwner.organizations.members.add({ organizationId: orgId, email: outsider.email })],
        [
          "member.role_changed",
          () => asOwner.organizations.members.setRole({ organizationId: orgId, userId: member.userId, role: "admin" }),
        ],
        [
          "member.removed",
          () => asOwner.organizations.members.remove({ organizationId: orgId, userId: viewer.userId }),
        ],
        ["member.left", () => callerFor(db, second).organizations.members.leave({ organizationId: orgId })],
        ["api_token.created", () => asOwner.organizations.tokens.create({ organizationId: orgId })],
        ["api_token.revoked", () => asOwner.organizations.tokens.revoke({ organizationId: orgId, id: apiToken.id })],
      ];
      for (const [action, attempt] of attempts) {
        const failure = await withAuditRefused(action, () => failureOf(attempt()));
        expect(failure, action).toMatchObject({ code: "INTERNAL_SERVER_ERROR", reason: "internal_error" });
        // Clients are not told about SQL.
        expect(failure.message, action).toBe("Something went wrong on our side");
        expect(await snapshot(), action).toBe(before);
      }
      expect(logged.lines.filter((line) => line.level === "error")).toHaveLength(attempts.length);

      // And the other way round: a deletion that fails after its audit event was written leaves no event behind.
      await db.sql.exec(
        `CREATE TABLE test_pin ("organizationId" TEXT NOT NULL REFERENCES organization(id) ON DELETE RESTRICT)`,
      );
      try {
        await db.sql.query(`INSERT INTO test_pin VALUES ($1)`, [orgId]);
        const failure = await failureOf(asOwner.organizations.delete({ organizationId: orgId }));
        expect(failure.code).toBe("INTERNAL_SERVER_ERROR");
      } finally {
        await db.sql.exec(`DROP TABLE test_pin`);
      }
      expect(await snapshot()).toBe(before);
      expect(await countRows(db, "audit_event", `action = 'organization.deleted'`)).toBe(0);

      // Nothing was left half-done: the same changes succeed now.
      await asOwner.organizations.members.setRole({ organizationId: orgId, userId: member.userId, role: "admin" });
      await asOwner.organizations.delete({ organizationId: orgId });
      expect(await countRows(db, "audit_event", `action = 'organization.deleted'`)).toBe(1);
    } finally {
      logged.restore();
    }
  });
});
