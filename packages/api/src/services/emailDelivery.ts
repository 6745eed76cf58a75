import nodemailer from "nodemailer";

import type { Database, DbClient } from "@tenancy/db/client";
import { getLogger } from "@tenancy/observability/logger";

import { openBody, UnreadableBodyError } from "./outbox";

/**
 * Delivers what the outbox holds. Several app instances may run this at once against one database:
 * due rows are claimed with `FOR UPDATE SKIP LOCKED`, and a claim pushes `nextAttemptAt` a lease
 * ahead, so a row is worked on by one instance, and one that crashed mid-send is picked up again
 * when the lease runs out (delivery is at least once: a crash between the SMTP hand-over and
 * recording it sends the message again after the lease). Failures are retried with exponential
 * backoff, then marked `failed`. A row this instance cannot decrypt (sealed under a secret it does
 * not have) is released untouched for the instances that can, never failed.
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
  /**
   * The longest one send may take (the SMTP transport's connection, greeting and socket timeouts):
   * a claimed row whose lease has less than this left is handed back unsent rather than risk being
   * sent by another instance at the same time.
   */
  maxSendSeconds: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  batchSize: 10,
  maxAttempts: 8,
  baseDelaySeconds: 30,
  maxDelaySeconds: 3600,
  leaseSeconds: 300,
  maxSendSeconds: 120,
};

// A claimed email is only sent while maxSendSeconds of its lease are left: a lease shorter than
// this would leave no time to send anything.
const MIN_LEASE_SECONDS = DEFAULT_DELIVERY_POLICY.maxSendSeconds + 60;

/** TENANCY_OUTBOX_LEASE_SECONDS (default 300); anything but a whole number ≥ 180 is a start-up error. */
export function outboxLeaseSecondsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TENANCY_OUTBOX_LEASE_SECONDS?.trim();
  if (!raw) return DEFAULT_DELIVERY_POLICY.leaseSeconds;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < MIN_LEASE_SECONDS)
    throw new Error(
      `TENANCY_OUTBOX_LEASE_SECONDS must be a whole number of seconds, at least ${MIN_LEASE_SECONDS} (got ${JSON.stringify(raw)}).`,
    );
  return seconds;
}

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

/** Claims up to `limit` due rows for this worker (except `excludeIds`); each claim counts as an attempt. */
export async function claimDueEmails(
  db: DbClient,
  options: { limit: number; leaseSeconds: number; now?: Date; excludeIds?: readonly string[] },
): Promise<ClaimedRow[]> {
  const now = options.now ?? new Date();
  const excludeIds = [...(options.excludeIds ?? [])];
  const leaseUntil = new Date(now.getTime() + options.leaseSeconds * 1000);
  // The due rows are picked once, in a CTE: as `WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)`
  // the planner may rescan the subquery per row, each rescan skipping the rows just updated, and
  // claim the whole outbox instead of n rows.
  return db.$queryRaw<ClaimedRow[]>`
    WITH due AS MATERIALIZED (
      SELECT "id" FROM "email_outbox"
       WHERE "status" = 'pending' AND "nextAttemptAt" <= (${utc(now)}::timestamptz AT TIME ZONE 'UTC')
         AND NOT ("id" = ANY(${excludeIds}::text[]))
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
  /** Failed for good (attempts exhausted). */
  failed: number;
  /**
   * Handed back unsent, not counted as attempts: sealed under a secret this instance does not have
   * (left for the instances that have it), or claimed too long ago to be sent within the lease.
   */
  released: number;
}

// How long a worker leaves a row it could not decrypt to the others before looking at it again.
const UNREADABLE_SKIP_MS = 10 * 60_000;
const UNREADABLE_MEMORY_LIMIT = 10_000;

/**
 * What one worker keeps between rounds (one per process): the rows it could not decrypt, so it
 * does not keep taking them from the instances that can, and whether it has reported its secret
 * as wrong (once).
 */
export class DeliveryMemory {
  readonly #unreadableUntil = new Map<string, number>();
  secretMismatchReported = false;

  /** Rows to leave alone now. */
  skippedIds(now: Date): string[] {
    for (const [id, until] of this.#unreadableUntil) if (until <= now.getTime()) this.#unreadableUntil.delete(id);
    return [...this.#unreadableUntil.keys()];
  }

  rememberUnreadable(id: string, now: Date): void {
    if (this.#unreadableUntil.size >= UNREADABLE_MEMORY_LIMIT) {
      const oldest = this.#unreadableUntil.keys().next().value;
      if (oldest !== undefined) this.#unreadableUntil.delete(oldest);
    }
    this.#unreadableUntil.set(id, now.getTime() + UNREADABLE_SKIP_MS);
  }
}

export interface DeliveryOptions {
  /** The secrets bodies may be sealed under: the current one, then previous ones (rotation). */
  secrets: string | readonly string[];
  transport: EmailTransport;
  policy?: Partial<DeliveryPolicy>;
  now?: () => Date;
  log?: (line: string) => void;
  /** For what an operator must act on (a server secret that does not match); console.error by default. */
  warn?: (line: string) => void;
  /** Kept by a long-running worker across rounds; a fresh one per call otherwise. */
  memory?: DeliveryMemory;
  /** Aborted when the server stops: the emails claimed and not yet sent are handed back at once. */
  signal?: AbortSignal;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/** One round: claim what is due and try to deliver each. */
export async function deliverDueEmails(db: Database, options: DeliveryOptions): Promise<DeliveryResult> {
  const policy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => getLogger("mail").info(line));
  const warn = options.warn ?? ((line: string) => getLogger("mail").error(line));
  const memory = options.memory ?? new DeliveryMemory();
  const result: DeliveryResult = { sent: 0, retrying: 0, failed: 0, released: 0 };
  const claimedAt = now();
  const claimed = await claimDueEmails(db, {
    limit: policy.batchSize,
    leaseSeconds: policy.leaseSeconds,
    now: claimedAt,
    excludeIds: memory.skippedIds(claimedAt),
  });

  // Undoes a claim (it was no attempt), unless the row changed hands meanwhile.
  const release = (row: ClaimedRow, lastError?: string) =>
    db.emailOutbox.updateMany({
      where: { id: row.id, status: "pending", attempts: row.attempts },
      data: { attempts: { decrement: 1 }, nextAttemptAt: claimedAt, ...(lastError ? { lastError } : {}) },
    });
  const sendBy = claimedAt.getTime() + (policy.leaseSeconds - policy.maxSendSeconds) * 1000;

  for (const [index, row] of claimed.entries()) {
    if (options.signal?.aborted) {
      // Stopping: what this instance claimed goes back to the others now, not after the lease.
      for (const rest of claimed.slice(index)) await release(rest);
      result.released += claimed.length - index;
      log(`${claimed.length - index} claimed email(s) handed back unsent: the server is stopping`);
      break;
    }
    if (now().getTime() > sendBy) {
      // Slow sends ate the lease: what is left goes back to the queue instead of being sent late.
      for (const rest of claimed.slice(index)) await release(rest);
      result.released += claimed.length - index;
      log(`${claimed.length - index} claimed email(s) handed back unsent: the claim lease is nearly over`);
      break;
    }
    let message: EmailMessage;
    try {
      message = {
        id: row.id,
        kind: row.kind,
        to: row.to,
        subject: row.subject,
        text: openBody(options.secrets, row.text),
        html: row.html === null ? null : openBody(options.secrets, row.html),
      };
    } catch (error) {
      if (!(error instanceof UnreadableBodyError)) throw error;
      // Sealed under a secret this instance does not have: another instance may have it.
      await release(row, "Not readable with the server secrets of an instance that claimed it; left for the others");
      memory.rememberUnreadable(row.id, claimedAt);
      result.released += 1;
      if (!memory.secretMismatchReported) {
        memory.secretMismatchReported = true;
        warn(
          `SERVER SECRET MISMATCH: queued email ${row.id} was sealed under a server secret this instance ` +
            "does not have, so it is left for the instances that can read it (and their sessions fail here too). " +
            "Give every instance the same BETTER_AUTH_SECRET (and, during a rotation, the same " +
            "TENANCY_PREVIOUS_SECRETS). Reported once per process.",
        );
      }
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
        log(`${row.id} to ${row.to} failed after ${row.attempts} attempts via ${options.transport.name}: ${lastError}`);
        result.failed += 1;
      } else {
        const delay = retryDelaySeconds(row.attempts, policy);
        await db.emailOutbox.update({
          where: { id: row.id },
          data: { lastError, nextAttemptAt: new Date(now().getTime() + delay * 1000) },
          select: { id: true },
        });
        log(
          `${row.id} to ${row.to} attempt ${row.attempts} failed via ${options.transport.name}, retrying in ${delay}s: ${lastError}`,
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

export interface DevMailboxTransportOptions {
  /**
   * Also print the message's link (accept, verify) to the log. Links are credentials: only for
   * development, or when the operator asks for it (TENANCY_LOG_EMAIL_LINKS=on); otherwise the log only
   * says that a message is waiting.
   */
  printLinks: boolean;
  log?: (line: string) => void;
}

/**
 * No SMTP configured (the zero-config default): nothing leaves the machine. The message stays
 * readable at the console's dev mailbox (for local visitors only, see the console's mailbox page).
 */
export function devMailboxTransport(options: DevMailboxTransportOptions): EmailTransport {
  const log = options.log ?? ((line: string) => getLogger("mail").info(line));
  return {
    name: "dev-mailbox",
    async send(message) {
      const link = options.printLinks ? message.text.match(URL_PATTERN)?.[0] : undefined;
      if (link) {
        log(`${message.kind} for ${message.to}: ${link}  (SMTP_URL is not set; see /dev/mailbox)`);
      } else {
        log(`"${message.subject}" for ${message.to} is waiting in the dev mailbox (/dev/mailbox); SMTP_URL is not set`);
      }
    },
  };
}

export interface OutboxStats {
  /** Emails waiting (due or scheduled for a retry, claimed ones included). */
  pending: number;
  /** How long the oldest waiting email has waited; 0 when none waits. */
  oldestPendingAgeSeconds: number;
  /** Emails given up on after every attempt failed. */
  failed: number;
}

/** The outbox's depth and backlog, for metrics: one query (the status index serves it). */
export async function outboxStats(db: DbClient): Promise<OutboxStats> {
  const [row] = await db.$queryRaw<{ pending: bigint; failed: bigint; oldest_age: number | null }[]>`
    SELECT count(*) FILTER (WHERE "status" = 'pending') AS pending,
           count(*) FILTER (WHERE "status" = 'failed') AS failed,
           EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC') - min("createdAt") FILTER (WHERE "status" = 'pending'))::float8
             AS oldest_age
      FROM "email_outbox"
     WHERE "status" IN ('pending', 'failed')`;
  return {
    pending: Number(row?.pending ?? 0),
    failed: Number(row?.failed ?? 0),
    oldestPendingAgeSeconds: Math.max(0, row?.oldest_age ?? 0),
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
  secrets: string | readonly string[],
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
      return openBody(secrets, sealed);
    } catch {
      return "(cannot decrypt: sealed under another server secret)";
    }
  };
  return rows.map((row) => ({ ...row, text: open(row.text), html: row.html === null ? null : open(row.html) }));
}
