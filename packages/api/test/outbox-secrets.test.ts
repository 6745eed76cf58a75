import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";

import { DeliveryMemory, deliverDueEmails, listMailbox, nodemailerTransport } from "../src/services/emailDelivery";
import { enqueueEmail, openBody } from "../src/services/outbox";
import { callerFor, createUser, openSecondHandle, testConfig, useTestDatabase } from "./harness";

const db = useTestDatabase();

const RIGHT_SECRET = testConfig.secrets.current;
const WRONG_SECRET = "a-misconfigured-instance-secret-0123456789";
const NEXT_SECRET = "the-next-server-secret-after-rotation-0001";

function jsonMailer() {
  const delivered: string[] = [];
  const transport = nodemailerTransport(nodemailer.createTransport({ jsonTransport: true }), {
    from: "Tenancy <no-reply@tenancy.test>",
    name: "json",
    onSent: (_info, message) => delivered.push(message.to),
  });
  return { transport, delivered };
}

/** One worker process: its transport, what it remembers between rounds and what it warned about. */
function worker(secrets: string | string[]) {
  const mailer = jsonMailer();
  const warnings: string[] = [];
  const memory = new DeliveryMemory();
  return {
    ...mailer,
    warnings,
    round: (handle: typeof db, policy = {}) =>
      deliverDueEmails(handle.prisma, {
        secrets,
        transport: mailer.transport,
        policy,
        memory,
        log: () => {},
        warn: (line) => warnings.push(line),
      }),
  };
}

async function inviteMany(count: number) {
  const owner = await createUser(db, { name: "Owner" });
  const asOwner = callerFor(db, owner);
  const { organization } = await asOwner.organizations.create({ name: "Acme" });
  for (let i = 0; i < count; i++) {
    await asOwner.organizations.invitations.create({
      organizationId: organization.id,
      email: `invitee${i}@example.com`,
    });
  }
}

const outbox = () =>
  db.prisma.emailOutbox.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, to: true, status: true, attempts: true, lastError: true, nextAttemptAt: true },
  });

describe("an instance with the wrong server secret", () => {
  it("leaves the other instances' email alone: nothing is failed, everything is delivered once", async () => {
    await inviteMany(20);
    const other = await openSecondHandle(db);
    try {
      const right = worker(RIGHT_SECRET);
      const wrong = worker(WRONG_SECRET);
      const policy = { batchSize: 3 };
      // Both instances poll the same outbox at the same time until it is drained.
      for (let round = 0; round < 30; round++) {
        await Promise.all([wrong.round(other, policy), right.round(db, policy)]);
        const pending = await db.prisma.emailOutbox.count({ where: { status: "pending" } });
        if (pending === 0) break;
      }
      const rows = await outbox();
      expect(rows.filter((r) => r.status === "failed")).toEqual([]);
      // Claims the wrong instance handed back were not counted as attempts.
      expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
      expect(wrong.delivered).toEqual([]);
      expect(right.delivered.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `invitee${i}@example.com`).sort());
      expect(right.warnings).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("hands the row back at once, skips it afterwards, and says so loudly once", async () => {
    await inviteMany(2);
    const before = await outbox();
    const wrong = worker(WRONG_SECRET);

    expect(await wrong.round(db)).toEqual({ sent: 0, retrying: 0, failed: 0, released: 2 });
    const after = await outbox();
    for (const [i, row] of after.entries()) {
      expect(row).toMatchObject({ status: "pending", attempts: 0 });
      expect(row.lastError).toMatch(/not readable/i);
      // Due again now: the instances that can read it need not wait out a lease.
      expect(row.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
      expect(row.id).toBe(before[i]!.id);
    }
    expect(wrong.warnings).toHaveLength(1);
    expect(wrong.warnings[0]).toMatch(/SERVER SECRET MISMATCH/);
    expect(wrong.warnings[0]).toMatch(/BETTER_AUTH_SECRET/);
    expect(wrong.warnings[0]).not.toContain(WRONG_SECRET);

    // The same process does not take them again (nor warn again) while others may deliver them.
    expect(await wrong.round(db)).toEqual({ sent: 0, retrying: 0, failed: 0, released: 0 });
    expect(wrong.warnings).toHaveLength(1);
    expect((await outbox()).every((r) => r.attempts === 0)).toBe(true);

    const right = worker(RIGHT_SECRET);
    expect(await right.round(db)).toEqual({ sent: 2, retrying: 0, failed: 0, released: 0 });
    expect((await outbox()).map((r) => [r.status, r.attempts, r.lastError])).toEqual([
      ["sent", 1, null],
      ["sent", 1, null],
    ]);
  });
});

describe("outbox bodies across a secret rotation", () => {
  it("seals with the current secret and opens with any accepted one", async () => {
    await enqueueEmail(db.prisma, RIGHT_SECRET, {
      organizationId: null,
      kind: "notice",
      to: "before@example.com",
      subject: "Sealed before the rotation",
      text: "old body",
    });
    await enqueueEmail(db.prisma, NEXT_SECRET, {
      organizationId: null,
      kind: "notice",
      to: "after@example.com",
      subject: "Sealed after the rotation",
      text: "new body",
    });
    const [old, fresh] = await db.prisma.emailOutbox.findMany({
      orderBy: { createdAt: "asc" },
      select: { text: true },
    });
    expect(() => openBody(NEXT_SECRET, old!.text)).toThrow(/decrypt/);
    expect(openBody([NEXT_SECRET, RIGHT_SECRET], old!.text)).toBe("old body");
    expect(openBody([NEXT_SECRET, RIGHT_SECRET], fresh!.text)).toBe("new body");

    const mailbox = await listMailbox(db.prisma, [NEXT_SECRET, RIGHT_SECRET]);
    expect(mailbox.map((m) => m.text).sort()).toEqual(["new body", "old body"]);

    const rotated = worker([NEXT_SECRET, RIGHT_SECRET]);
    expect(await rotated.round(db)).toEqual({ sent: 2, retrying: 0, failed: 0, released: 0 });
    expect(rotated.delivered.sort()).toEqual(["after@example.com", "before@example.com"]);
    expect(rotated.warnings).toEqual([]);
  });
});
