import { acceptedSecrets, isProductionDeployment } from "@tenancy/api/config";
import {
  DeliveryMemory,
  deliverDueEmails,
  devMailboxTransport,
  outboxLeaseSecondsFromEnv,
  smtpTransport,
  type EmailTransport,
} from "@tenancy/api/email-delivery";

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

const globalForWorker = globalThis as unknown as { __tenancyEmailWorker?: { stop(): void } };

/** Polls the outbox in the background of this server process; one per process. */
export function startEmailWorker(runtime: ServerRuntime): void {
  if (globalForWorker.__tenancyEmailWorker) return;
  const settings = mailSettings();
  if (!settings.smtpUrl && !settings.devMailboxEnabled) {
    console.warn("[mail] SMTP_URL is not set: emails wait in the outbox and are delivered once SMTP_URL is configured");
    return;
  }
  const from = settings.from ?? `Tenancy <no-reply@${new URL(runtime.config.publicUrl).hostname}>`;
  const transport: EmailTransport = settings.smtpUrl
    ? smtpTransport(settings.smtpUrl, from)
    : devMailboxTransport({ printLinks: settings.printLinks });
  console.log(
    settings.smtpUrl
      ? `[mail] delivering the outbox by SMTP as ${from}`
      : `[mail] SMTP_URL is not set: emails stay in the dev mailbox at ${runtime.config.publicUrl}/dev/mailbox ` +
          (settings.devMailboxOpenToAll
            ? "(open to every visitor: TENANCY_DEV_MAILBOX=on)"
            : "(readable from this machine only)"),
  );

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failing = false;
  const memory = new DeliveryMemory();
  const secrets = acceptedSecrets(runtime.config.secrets);
  const policy = { leaseSeconds: settings.leaseSeconds };
  const round = async () => {
    try {
      const result = await deliverDueEmails(runtime.database.prisma, { secrets, transport, policy, memory });
      if (failing) console.log("[mail] outbox delivery recovered");
      failing = false;
      // A full batch means more may be waiting: go again at once.
      return result.sent + result.retrying + result.failed > 0;
    } catch (error) {
      if (!failing)
        console.error("[mail] outbox delivery round failed:", error instanceof Error ? error.message : error);
      failing = true;
      return false;
    }
  };
  const loop = async () => {
    const busy = await round();
    if (stopped) return;
    timer = setTimeout(loop, busy ? 0 : settings.pollMs);
    // Never keeps the process alive on its own.
    timer.unref();
  };
  timer = setTimeout(loop, 0);
  timer.unref();
  globalForWorker.__tenancyEmailWorker = {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      globalForWorker.__tenancyEmailWorker = undefined;
    },
  };
}
