import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";

import {
  claimDueEmails,
  deliverDueEmails,
  devMailboxTransport,
  listMailbox,
  nodemailerTransport,
  outboxLeaseSecondsFromEnv,
  retryDelaySeconds,
} from "../src/services/emailDelivery";
import { enqueueEmail } from "../src/services/outbox";
import { callerFor, createUser, testConfig, useTestDatabase } from "./harness";

const db = useTestDatabase();

const secrets = testConfig.secrets.current;
const FROM = "Tenancy <no-reply@tenancy.test>";

interface JsonMail {
  from: { address: string };
  to: { address: string }[];
  subject: string;
  text: string;
  html?: string;
  headers: Record<string, string>;
}

/** nodemailer's JSON transport: renders the message like any transport and hands it back instead of sending it. */
function jsonMailer() {
  const delivered: JsonMail[] = [];
  const transport = nodemailerTransport(nodemailer.createTransport({ jsonTransport: true }), {
    from: FROM,
    name: "json",
    onSent: (info) => delivered.push(JSON.parse((info as { message: string }).message) as JsonMail),
  });
  return { transport, delivered };
}

async function queue(count: number, kind = "notice") {
  for (let i = 0; i < count; i++) {
    await enqueueEmail(db.prisma, secrets, {
      organizationId: null,
      kind,
      to: `user${i}@example.com`,
      subject: `Subject ${i}`,
      text: `Body ${i}`,
    });
  }
}

const outboxRows = () =>
  db.prisma.emailOutbox.findMany({
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      to: true,
      status: true,
      attempts: true,
      lastError: true,
      nextAttemptAt: true,
      sentAt: true,
      text: true,
    },
  });

// Clock used by the worker; tests move it forward instead of waiting.
const later = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);

describe("email outbox delivery", () => {
  it("delivers an invitation email through nodemailer and marks it sent, once", async () => {
    const alice = await createUser(db, { name: "Alice", email: "alice@example.com" });
    const asAlice = callerFor(db, alice);
    const { organization } = await asAlice.organizations.create({ name: "Acme" });
    const invite = await asAlice.organizations.invitations.create({
      organizationId: organization.id,
      email: "Bob@Example.com",
      role: "admin",
    });

    const [queued] = await outboxRows();
    expect(queued).toMatchObject({ to: "bob@example.com", status: "pending", attempts: 0 });
    // The body carries a one-time link: stored sealed, not in clear.
    expect(queued!.text).not.toContain(invite.token);

    const { transport, delivered } = jsonMailer();
    const result = await deliverDueEmails(db.prisma, { secrets, transport, log: () => undefined });
    expect(result).toEqual({ sent: 1, retrying: 0, failed: 0, released: 0 });
    expect(delivered).toHaveLength(1);
    const mail = delivered[0]!;
    expect(mail.from.address).toBe("no-reply@tenancy.test");
    expect(mail.to.map((t) => t.address)).toEqual(["bob@example.com"]);
    expect(mail.subject).toBe("Alice invited you to Acme");
    expect(mail.text).toContain(invite.acceptUrl);
    expect(mail.html).toContain(invite.acceptUrl);
    expect(mail.headers["X-Tenancy-Email-Id"]).toBe(queued!.id);

    const [sent] = await outboxRows();
    expect(sent).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    expect(sent!.sentAt).toBeInstanceOf(Date);

    // Nothing left to do: a second round sends nothing again.
    expect(await deliverDueEmails(db.prisma, { secrets, transport, log: () => undefined })).toEqual({
      sent: 0,
      retrying: 0,
      failed: 0,
      released: 0,
    });
    expect(delivered).toHaveLength(1);
  });

  it("renders a real MIME message through the stream transport", async () => {
    await enqueueEmail(db.prisma, secrets, {
      organizationId: null,
      kind: "notice",
      to: "carol@example.com",
      subject: "Hello Carol",
      text: "Plain body",
    });
    const messages: string[] = [];
    const transport = nodemailerTransport(
      nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" }),
      {
        from: FROM,
        onSent: (info) => messages.push((info as { message: Buffer }).message.toString("utf8")),
      },
    );
    expect(await deliverDueEmails(db.prisma, { secrets, transport, log: () => undefined })).toMatchObject({ sent: 1 });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^To: carol@example\.com$/m);
    expect(messages[0]).toMatch(/^Subject: Hello Carol$/m);
    expect(messages[0]).toContain("Plain body");
  });

  it("retries a failing SMTP server with exponential backoff, then marks the email failed", async () => {
    await queue(1);
    // A real SMTP transport aimed at a port where nothing listens: every attempt fails to connect.
    const refused = nodemailerTransport(
      nodemailer.createTransport({ host: "127.0.0.1", port: 1, secure: false, connectionTimeout: 5_000 }),
      { from: FROM },
    );
    const policy = { maxAttempts: 3, baseDelaySeconds: 30, maxDelaySeconds: 3600 };
    const lines: string[] = [];
    const t0 = new Date();
    const round = (at: Date) =>
      deliverDueEmails(db.prisma, { secrets, transport: refused, policy, now: () => at, log: (l) => lines.push(l) });

    expect(await round(t0)).toEqual({ sent: 0, retrying: 1, failed: 0, released: 0 });
    let [row] = await outboxRows();
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row!.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(row!.nextAttemptAt.getTime()).toBe(later(t0, 30).getTime());

    // Not due yet: untouched.
    expect(await round(later(t0, 29))).toEqual({ sent: 0, retrying: 0, failed: 0, released: 0 });

    const t1 = later(t0, 30);
    expect(await round(t1)).toEqual({ sent: 0, retrying: 1, failed: 0, released: 0 });
    [row] = await outboxRows();
    expect(row).toMatchObject({ status: "pending", attempts: 2 });
    expect(row!.nextAttemptAt.getTime()).toBe(later(t1, 60).getTime());

    expect(await round(later(t1, 59))).toEqual({ sent: 0, retrying: 0, failed: 0, released: 0 });
    const t2 = later(t1, 60);
    expect(await round(t2)).toEqual({ sent: 0, retrying: 0, failed: 1, released: 0 });
    [row] = await outboxRows();
    expect(row).toMatchObject({ status: "failed", attempts: 3, sentAt: null });
    expect(row!.lastError).toMatch(/ECONNREFUSED|connect/i);

    // Failed for good: never picked up again.
    expect(await round(later(t2, 86_400))).toEqual({ sent: 0, retrying: 0, failed: 0, released: 0 });
    expect(lines.some((l) => l.includes("retrying in 30s"))).toBe(true);
    expect(lines.some((l) => l.includes("retrying in 60s"))).toBe(true);
    expect(lines.some((l) => l.includes("failed after 3 attempts"))).toBe(true);
  });

  it("delivers after a failure once the server recovers", async () => {
    await queue(1);
    const t0 = new Date();
    const refused = nodemailerTransport(
      nodemailer.createTransport({ host: "127.0.0.1", port: 1, connectionTimeout: 5_000 }),
      { from: FROM },
    );
    expect(
      await deliverDueEmails(db.prisma, { secrets, transport: refused, now: () => t0, log: () => undefined }),
    ).toMatchObject({ retrying: 1 });
    const { transport, delivered } = jsonMailer();
    const t1 = later(t0, retryDelaySeconds(1));
    expect(await deliverDueEmails(db.prisma, { secrets, transport, now: () => t1, log: () => undefined })).toEqual({
      sent: 1,
      retrying: 0,
      failed: 0,
      released: 0,
    });
    expect(delivered.map((m) => m.subject)).toEqual(["Subject 0"]);
    const [row] = await outboxRows();
    expect(row).toMatchObject({ status: "sent", attempts: 2, lastError: null });
  });

  it("lets concurrent workers share the outbox without sending anything twice", async () => {
    await queue(12);
    const { transport, delivered } = jsonMailer();
    const policy = { batchSize: 4 };
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => deliverDueEmails(db.prisma, { secrets, transport, policy, log: () => undefined })),
    );
    const rounds = [...results];
    // Keep going until empty (a worker may have found rows locked by another and skipped them).
    for (;;) {
      const more = await deliverDueEmails(db.prisma, { secrets, transport, policy, log: () => undefined });
      rounds.push(more);
      if (more.sent === 0) break;
    }
    expect(rounds.reduce((sum, r) => sum + r.sent, 0)).toBe(12);
    const recipients = delivered.map((m) => m.to[0]!.address).sort();
    expect(recipients).toEqual(Array.from({ length: 12 }, (_, i) => `user${i}@example.com`).sort());
    expect((await outboxRows()).every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
  });

  it("keeps a claimed row away from other workers until its lease runs out", async () => {
    await queue(1);
    const t0 = new Date();
    const first = await claimDueEmails(db.prisma, { limit: 10, leaseSeconds: 300, now: t0 });
    expect(first.map((r) => r.attempts)).toEqual([1]);
    expect(await claimDueEmails(db.prisma, { limit: 10, leaseSeconds: 300, now: later(t0, 299) })).toEqual([]);
    // The first worker died mid-send: after the lease another one takes the row over.
    const again = await claimDueEmails(db.prisma, { limit: 10, leaseSeconds: 300, now: later(t0, 300) });
    expect(again.map((r) => [r.id, r.attempts])).toEqual([[first[0]!.id, 2]]);
  });

  it("hands back, unsent and uncounted, what slow sends left too little lease for", async () => {
    await queue(4);
    const t0 = new Date();
    let clock = t0.getTime();
    const sentTo: string[] = [];
    // Each send takes 100 s of the 300 s lease; one may take up to 120 s, so none starts after 180 s.
    const slow = {
      name: "slow",
      async send(message: { to: string }) {
        sentTo.push(message.to);
        clock += 100_000;
      },
    };
    const lines: string[] = [];
    const result = await deliverDueEmails(db.prisma, {
      secrets,
      transport: slow,
      policy: { leaseSeconds: 300, maxSendSeconds: 120 },
      now: () => new Date(clock),
      log: (l) => lines.push(l),
    });
    expect(result).toEqual({ sent: 2, retrying: 0, failed: 0, released: 2 });
    const rows = await outboxRows();
    expect(rows.filter((r) => r.status === "sent").map((r) => r.to)).toEqual(sentTo);
    const handedBack = rows.filter((r) => r.status === "pending");
    expect(handedBack).toHaveLength(2);
    // Due again at once, and the claim did not count as an attempt.
    for (const row of handedBack) {
      expect(row.attempts).toBe(0);
      expect(row.nextAttemptAt.getTime()).toBe(t0.getTime());
    }
    expect(lines.some((l) => l.includes("2 claimed email(s) handed back unsent"))).toBe(true);
  });

  it("without SMTP: keeps the email in the dev mailbox and logs that it waits there, never its link", async () => {
    const alice = await createUser(db, { name: "Alice", email: "alice@example.com" });
    const asAlice = callerFor(db, alice);
    const { organization } = await asAlice.organizations.create({ name: "Acme" });
    await queue(1);
    const invite = await asAlice.organizations.invitations.create({
      organizationId: organization.id,
      email: "dave@example.com",
    });
    const lines: string[] = [];
    const result = await deliverDueEmails(db.prisma, {
      secrets,
      transport: devMailboxTransport({ printLinks: false, log: (l) => lines.push(l) }),
      log: () => undefined,
    });
    expect(result).toEqual({ sent: 2, retrying: 0, failed: 0, released: 0 });
    // The accept link is a credential: not in the log, whose line only says where the email waits.
    expect(lines.join("\n")).not.toContain(invite.token);
    expect(lines.find((l) => l.includes("dave@example.com"))).toMatch(/waiting in the dev mailbox/);
    // No email body is printed.
    expect(lines.join("\n")).not.toContain("Body 0");

    const mailbox = await listMailbox(db.prisma, secrets);
    expect(mailbox.map((m) => m.to)).toEqual(["dave@example.com", "user0@example.com"]);
    expect(mailbox[0]).toMatchObject({ kind: "invitation", status: "sent", organizationId: organization.id });
    expect(mailbox[0]!.text).toContain(invite.acceptUrl);
    expect(mailbox[1]!.text).toBe("Body 0");
    expect((await listMailbox(db.prisma, secrets, { to: "DAVE@example.com" })).map((m) => m.to)).toEqual([
      "dave@example.com",
    ]);
  });

  it("prints the link only when asked to (development, or TENANCY_LOG_EMAIL_LINKS=on)", async () => {
    const alice = await createUser(db, { name: "Alice", email: "alice@example.com" });
    const { organization } = await callerFor(db, alice).organizations.create({ name: "Acme" });
    const invite = await callerFor(db, alice).organizations.invitations.create({
      organizationId: organization.id,
      email: "dave@example.com",
    });
    const lines: string[] = [];
    await deliverDueEmails(db.prisma, {
      secrets,
      transport: devMailboxTransport({ printLinks: true, log: (l) => lines.push(l) }),
      log: () => undefined,
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(invite.acceptUrl);
    expect(lines[0]).toContain("dave@example.com");
  });

  it("backs off exponentially up to a cap", () => {
    const policy = { baseDelaySeconds: 30, maxDelaySeconds: 3600 };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelaySeconds(n, policy))).toEqual([
      30, 60, 120, 240, 480, 960, 1920, 3600,
    ]);
  });
});

describe("claiming", () => {
  it("claims at most the batch size, whatever plan the database picks", async () => {
    await queue(20);
    const claimed = await claimDueEmails(db.prisma, { limit: 3, leaseSeconds: 300 });
    expect(claimed).toHaveLength(3);
    expect(await db.prisma.emailOutbox.count({ where: { attempts: 1 } })).toBe(3);
  });
});

describe("TENANCY_OUTBOX_LEASE_SECONDS", () => {
  it("defaults to 300 s and takes a whole number of at least 180 s", () => {
    expect(outboxLeaseSecondsFromEnv({})).toBe(300);
    expect(outboxLeaseSecondsFromEnv({ TENANCY_OUTBOX_LEASE_SECONDS: " 900 " })).toBe(900);
    expect(outboxLeaseSecondsFromEnv({ TENANCY_OUTBOX_LEASE_SECONDS: "180" })).toBe(180);
    for (const bad of ["179", "60", "5m", "300.5", "-1"]) {
      expect(() => outboxLeaseSecondsFromEnv({ TENANCY_OUTBOX_LEASE_SECONDS: bad })).toThrow(
        /TENANCY_OUTBOX_LEASE_SECONDS must be a whole number of seconds, at least 180/,
      );
    }
  });
});
