import nodemailer from "nodemailer";

import type { Database, DbClient } from "@tenancy/db/client";

import { openBody } from "./outbox";

/**
 * Delivers what the outbox holds. Several app instances may run this at once against one database:
 * due rows are claimed with `FOR UPDATE SKIP LOCKED`, and a claim pushes `nextAttemptAt` a lease
 * ahead, so a row is worked on by one instance, and one that crashed mid-send is picked up again
 * when the lease runs out. Failures are retried with exponential backoff, then marked `failed`.
 */

export interface EmailMessage {
  id: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
}

export interface EmailTransport {
  /** For logs, e.g. "smtp" or "dev-mailbox". */
  readonly name: string;
  /** Resolves once the message is handed over; throws when it was not. */
  send(message: EmailMessage): Promise<void>;
}

export interface DeliveryPolicy {
  /** Rows claimed per round. */
  batchSize: number;
  /** Attempts before a row is marked failed. */
  maxAttempts: number;
  /** Delay after the first failed attempt; doubled after each further one. */
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  /** How long a claim keeps other instances away from a row. */
  leaseSeconds: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  batchSize: 10,
  maxAttempts: 8,
  baseDelaySeconds: 30,
  maxDelaySeconds: 3600,
  leaseSeconds: 300,
};

/** Seconds to wait after the `attempts`-th failed attempt: base, 2×base, 4×base, ... capped. */
export function retryDelaySeconds(
  attempts: number,
  policy: Pick<DeliveryPolicy, "baseDelaySeconds" | "maxDelaySeconds"> = DEFAULT_DELIVERY_POLICY,
): number {
  return Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** Math.max(0, attempts - 1));
}

interface ClaimedRow {
  id: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  attempts: number;
}

// Timestamps are stored as UTC wall time (TIMESTAMP(3), as Prisma writes them): compare in UTC
// whatever the session time zone is.
const utc = (date: Date) => date.toISOString();

/** Claims up to `limit` due rows for this worker; each claim counts as an attempt. */
export async function claimDueEmails(
  db: DbClient,
  options: { limit: number; leaseSeconds: number; now?: Date },
): Promise<ClaimedRow[]> {
  const now = options.now ?? new Date();
  const leaseUntil = new Date(now.getTime() + options.leaseSeconds * 1000);
  // The due rows are picked once, in a CTE: as `WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)`
  // the planner may rescan the subquery per row, each rescan skipping the rows just updated, and
  // claim the whole outbox instead of n rows.
  return db.$queryRaw<ClaimedRow[]>`
    WITH due AS MATERIALIZED (
      SELECT "id" FROM "email_outbox"
       WHERE "status" = 'pending' AND "nextAttemptAt" <= (${utc(now)}::timestamptz AT TIME ZONE 'UTC')
       ORDER BY "nextAttemptAt", "createdAt"
       LIMIT ${options.limit}
       FOR UPDATE SKIP LOCKED
    )
    UPDATE "email_outbox" AS o
       SET "attempts" = o."attempts" + 1,
           "nextAttemptAt" = (${utc(leaseUntil)}::timestamptz AT TIME ZONE 'UTC')
      FROM due
     WHERE o."id" = due."id"
    RETURNING o."id", o."kind", o."to", o."subject", o."text", o."html", o."attempts"`;
}

export interface DeliveryResult {
  sent: number;
  /** Failed this time, scheduled again. */
  retrying: number;
  /** Failed for good (attempts exhausted or unreadable). */
  failed: number;
}

export interface DeliveryOptions {
  /** The server secret the bodies were sealed with. */
  secret: string;
  transport: EmailTransport;
  policy?: Partial<DeliveryPolicy>;
  now?: () => Date;
  log?: (line: string) => void;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/** One round: claim what is due and try to deliver each. */
export async function deliverDueEmails(db: Database, options: DeliveryOptions): Promise<DeliveryResult> {
  const policy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => console.log(line));
  const result: DeliveryResult = { sent: 0, retrying: 0, failed: 0 };
  const claimed = await claimDueEmails(db, { limit: policy.batchSize, leaseSeconds: policy.leaseSeconds, now: now() });

  for (const row of claimed) {
    let message: EmailMessage;
    try {
      message = {
        id: row.id,
        kind: row.kind,
        to: row.to,
        subject: row.subject,
        text: openBody(options.secret, row.text),
        html: row.html === null ? null : openBody(options.secret, row.html),
      };
    } catch {
      // Sealed under another secret: no retry can help.
      await db.emailOutbox.update({
        where: { id: row.id },
        data: { status: "failed", lastError: "Cannot decrypt the message (was the server secret changed?)" },
        select: { id: true },
      });
      log(`[mail] ${row.id} failed: cannot decrypt the message body`);
      result.failed += 1;
      continue;
    }

    try {
      await options.transport.send(message);
      await db.emailOutbox.update({
        where: { id: row.id },
        data: { status: "sent", sentAt: now(), lastError: null },
        select: { id: true },
      });
      result.sent += 1;
    } catch (error) {
      const lastError = errorText(error);
      if (row.attempts >= policy.maxAttempts) {
        await db.emailOutbox.update({
          where: { id: row.id },
          data: { status: "failed", lastError },
          select: { id: true },
        });
        log(
          `[mail] ${row.id} to ${row.to} failed after ${row.attempts} attempts via ${options.transport.name}: ${lastError}`,
        );
        result.failed += 1;
      } else {
        const delay = retryDelaySeconds(row.attempts, policy);
        await db.emailOutbox.update({
          where: { id: row.id },
          data: { lastError, nextAttemptAt: new Date(now().getTime() + delay * 1000) },
          select: { id: true },
        });
        log(
          `[mail] ${row.id} to ${row.to} attempt ${row.attempts} failed via ${options.transport.name}, retrying in ${delay}s: ${lastError}`,
        );
        result.retrying += 1;
      }
    }
  }
  return result;
}

/** What we use of a nodemailer transporter (`nodemailer.createTransport(...)`). */
export interface MailTransporter {
  sendMail(mail: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html?: string;
    headers?: Record<string, string>;
  }): Promise<unknown>;
}

export interface NodemailerTransportOptions {
  from: string;
  /** For logs; "smtp" by default. */
  name?: string;
  /** Called with nodemailer's info (message id, or the rendered message on stream/JSON transports). */
  onSent?: (info: unknown, message: EmailMessage) => void;
}

/** Sends through any nodemailer transporter (SMTP in production; stream/JSON transports in tests). */
export function nodemailerTransport(transporter: MailTransporter, options: NodemailerTransportOptions): EmailTransport {
  return {
    name: options.name ?? "smtp",
    async send(message) {
      const info = await transporter.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        headers: { "X-Tenancy-Email-Id": message.id },
      });
      const rejected = (info as { rejected?: unknown[] }).rejected;
      if (Array.isArray(rejected) && rejected.length > 0) throw new Error(`Recipient rejected: ${message.to}`);
      options.onSent?.(info, message);
    },
  };
}

/** SMTP from a URL such as smtp://user:pass@mail.example.com:587 or smtps://...:465. */
export function smtpTransport(url: string, from: string): EmailTransport {
  const transporter = nodemailer.createTransport({
    url,
    // Fail an attempt well within the claim lease, so a slow server is retried rather than sent twice.
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return nodemailerTransport(transporter, { from, name: "smtp" });
}

const URL_PATTERN = /https?:\/\/[^\s<>"')]+/g;

/**
 * No SMTP configured (the zero-config default): nothing leaves the machine. The message stays
 * readable at the console's dev mailbox, and for invitations the accept link is printed to the
 * server log so the invite flow works end to end.
 */
export function devMailboxTransport(log: (line: string) => void = (line) => console.log(line)): EmailTransport {
  return {
    name: "dev-mailbox",
    async send(message) {
      const links = message.text.match(URL_PATTERN) ?? [];
      if (message.kind === "invitation" && links.length > 0) {
        log(`[mail] invitation for ${message.to}: accept at ${links[0]}  (SMTP_URL is not set; see /dev/mailbox)`);
      } else {
        log(
          `[mail] "${message.subject}" for ${message.to} kept in the dev mailbox (/dev/mailbox); SMTP_URL is not set`,
        );
      }
    },
  };
}

export interface MailboxEmail extends EmailMessage {
  organizationId: string | null;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** The outbox, newest first, with bodies decrypted: for the dev mailbox page only. */
export async function listMailbox(
  db: DbClient,
  secret: string,
  options: { limit?: number; to?: string } = {},
): Promise<MailboxEmail[]> {
  const rows = await db.emailOutbox.findMany({
    where: options.to ? { to: options.to.toLowerCase() } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(options.limit ?? 50, 1), 200),
    select: {
      id: true,
      organizationId: true,
      kind: true,
      to: true,
      subject: true,
      text: true,
      html: true,
      status: true,
      attempts: true,
      lastError: true,
      createdAt: true,
      sentAt: true,
    },
  });
  const open = (sealed: string) => {
    try {
      return openBody(secret, sealed);
    } catch {
      return "(cannot decrypt: sealed under another server secret)";
    }
  };
  return rows.map((row) => ({ ...row, text: open(row.text), html: row.html === null ? null : open(row.html) }));
}
