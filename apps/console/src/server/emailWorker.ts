import { acceptedSecrets, isProductionDeployment } from "@tenancy/api/config";
import {
  DeliveryMemory,
  deliverDueEmails,
  devMailboxTransport,
  outboxLeaseSecondsFromEnv,
  smtpTransport,
  type EmailTransport,
} from "@tenancy/api/email-delivery";
import { getLogger } from "@tenancy/observability/logger";

import type { OutboxWorkerStatus } from "../../front/app-bridge.mjs";
import { isLocalClient } from "./client-address";
import type { ServerRuntime } from "./runtime";

/**
 * Email settings from the environment. SMTP_URL delivers for real. Without it, the zero-config
 * default keeps emails in the dev mailbox; in production against PostgreSQL (NODE_ENV=production +
 * DATABASE_URL) they wait in the outbox until SMTP_URL is set, unless TENANCY_DEV_MAILBOX=on.
 * TENANCY_DEV_MAILBOX=off disables the dev mailbox anywhere.
 * TENANCY_OUTBOX_LEASE_SECONDS is how long a claimed email is kept from other instances (an
 * instance that dies mid-send has it sent again after that); invalid values stop the start.
 */
export function mailSettings(env: NodeJS.ProcessEnv = process.env) {
  const smtpUrl = env.SMTP_URL?.trim() || null;
  const production = isProductionDeployment(env);
  const devMailboxEnabled =
    !smtpUrl && (env.TENANCY_DEV_MAILBOX === "on" || (!production && env.TENANCY_DEV_MAILBOX !== "off"));
  return {
    smtpUrl,
    from: env.SMTP_FROM?.trim() || null,
    /** The dev mailbox page shows every queued email with its links: only when nothing is sent for real. */
    devMailboxEnabled,
    /**
     * Who may read the dev mailbox: by default only visitors on this machine (a loopback socket, no
     * proxy in between: see isLocalClient); everyone when TENANCY_DEV_MAILBOX=on is set explicitly.
     */
    devMailboxOpenToAll: devMailboxEnabled && env.TENANCY_DEV_MAILBOX === "on",
    /** Print accept/verify links to the server log: in development, or with TENANCY_LOG_EMAIL_LINKS=on. */
    printLinks: env.NODE_ENV === "development" || env.TENANCY_LOG_EMAIL_LINKS === "on",
    pollMs: Math.max(250, Number.parseInt(env.TENANCY_OUTBOX_POLL_MS ?? "", 10) || 3000),
    leaseSeconds: outboxLeaseSecondsFromEnv(env),
  };
}

/** May the visitor who sent these request headers read the dev mailbox? */
export function devMailboxVisibleTo(headers: Headers, env: NodeJS.ProcessEnv = process.env): boolean {
  const settings = mailSettings(env);
  return settings.devMailboxEnabled && (settings.devMailboxOpenToAll || isLocalClient(headers));
}

const globalForWorker = globalThis as unknown as { __tenancyEmailWorker?: EmailWorker };

export interface EmailWorker {
  status(): OutboxWorkerStatus;
  /**
   * Stops polling; the round under way hands back the emails it claimed and has not sent, and is
   * waited for at most `timeoutMs` (a send already started may then finish after the lease: sent
   * at least once, see the README).
   */
  stop(timeoutMs: number): Promise<void>;
}

/** The process's worker; undefined before startEmailWorker. */
export const emailWorker = (): EmailWorker | undefined => globalForWorker.__tenancyEmailWorker;

/** How the outbox is delivered, without credentials, for the start line. */
export function describeMailDelivery(publicUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  const settings = mailSettings(env);
  if (settings.smtpUrl) {
    let server = "the SMTP_URL server";
    try {
      const url = new URL(settings.smtpUrl);
      server = `${url.hostname}${url.port ? `:${url.port}` : ""}`;
    } catch {
      // nodemailer reports an unusable URL when it sends
    }
    return `SMTP via ${server}`;
  }
  if (settings.devMailboxEnabled) {
    return `dev mailbox at ${publicUrl}/dev/mailbox${settings.devMailboxOpenToAll ? " (open to every visitor)" : ""}`;
  }
  return "outbox only: SMTP_URL is not set, emails wait until it is";
}

/** Polls the outbox in the background of this server process; one per process. */
export function startEmailWorker(runtime: ServerRuntime): EmailWorker {
  const existing = globalForWorker.__tenancyEmailWorker;
  if (existing) return existing;
  const log = getLogger("mail");
  const settings = mailSettings();
  const deliveries = { sent: 0, retrying: 0, failed: 0, released: 0 };

  if (!settings.smtpUrl && !settings.devMailboxEnabled) {
    log.warn("SMTP_URL is not set: emails wait in the outbox and are delivered once SMTP_URL is configured");
    const off: EmailWorker = {
      status: () => ({ state: "off", lastRoundAgeSeconds: null, alive: true, deliveries }),
      stop: async () => undefined,
    };
    globalForWorker.__tenancyEmailWorker = off;
    return off;
  }
  const from = settings.from ?? `Tenancy <no-reply@${new URL(runtime.config.publicUrl).hostname}>`;
  const transport: EmailTransport = settings.smtpUrl
    ? smtpTransport(settings.smtpUrl, from)
    : devMailboxTransport({ printLinks: settings.printLinks });
  log.debug(
    settings.smtpUrl
      ? `delivering the outbox by SMTP as ${from}`
      : `SMTP_URL is not set: emails stay in the dev mailbox at ${runtime.config.publicUrl}/dev/mailbox ` +
          (settings.devMailboxOpenToAll
            ? "(open to every visitor: TENANCY_DEV_MAILBOX=on)"
            : "(readable from this machine only)"),
  );

  const startedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failing = false;
  let roundStartedAt: number | null = null;
  let lastRoundEndedAt: number | null = null;
  let running: Promise<void> | null = null;
  const abort = new AbortController();
  const memory = new DeliveryMemory();
  const secrets = acceptedSecrets(runtime.config.secrets);
  const policy = { leaseSeconds: settings.leaseSeconds };
  const round = async () => {
    roundStartedAt = Date.now();
    try {
      const result = await deliverDueEmails(runtime.database.prisma, {
        secrets,
        transport,
        policy,
        memory,
        signal: abort.signal,
      });
      for (const key of Object.keys(deliveries) as (keyof typeof deliveries)[]) deliveries[key] += result[key];
      if (failing) log.info("outbox delivery recovered");
      failing = false;
      // A full batch means more may be waiting: go again at once.
      return result.sent + result.retrying + result.failed > 0;
    } catch (error) {
      if (!failing) log.error("outbox delivery round failed", { err: error });
      failing = true;
      return false;
    } finally {
      roundStartedAt = null;
      lastRoundEndedAt = Date.now();
    }
  };
  const loop = async () => {
    const work = round();
    running = work.then(() => undefined);
    const busy = await work;
    running = null;
    if (stopped) return;
    timer = setTimeout(loop, busy ? 0 : settings.pollMs);
    // Never keeps the process alive on its own.
    timer.unref();
  };
  timer = setTimeout(loop, 0);
  timer.unref();

  // A round finishes within its lease (sends stop when the lease nears its end); between rounds the
  // worker waits pollMs. Past these, it is stuck.
  const idleLimitMs = Math.max(30_000, settings.pollMs * 5);
  const roundLimitMs = settings.leaseSeconds * 1000;
  const worker: EmailWorker = {
    status() {
      const now = Date.now();
      const alive = stopped
        ? false
        : roundStartedAt !== null
          ? now - roundStartedAt < roundLimitMs
          : now - (lastRoundEndedAt ?? startedAt) < idleLimitMs;
      return {
        state: stopped ? "stopped" : "running",
        lastRoundAgeSeconds: lastRoundEndedAt === null ? null : (now - lastRoundEndedAt) / 1000,
        alive,
        deliveries: { ...deliveries },
      };
    },
    async stop(timeoutMs) {
      stopped = true;
      if (timer) clearTimeout(timer);
      abort.abort();
      if (running) {
        let timeout: NodeJS.Timeout | undefined;
        const finished = await Promise.race([
          running.then(() => true),
          new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(false), timeoutMs))),
        ]);
        clearTimeout(timeout);
        if (!finished)
          log.warn(
            `an email was still being sent after ${timeoutMs / 1000}s; it is sent again after its lease if it did not go`,
          );
      }
    },
  };
  globalForWorker.__tenancyEmailWorker = worker;
  return worker;
}
