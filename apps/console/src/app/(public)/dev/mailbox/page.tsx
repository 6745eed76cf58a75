import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Fragment } from "react";

import { acceptedSecrets } from "@tenancy/api/config";
import { listMailbox, type MailboxEmail } from "@tenancy/api/email-delivery";
import { Badge } from "@tenancy/widgets/ui/badge";
import { buttonVariants } from "@tenancy/widgets/ui/button";
import { Input } from "@tenancy/widgets/ui/input";

import { devMailboxVisibleTo } from "@/server/emailWorker";
import { getRuntime } from "@/server/runtime";

export const metadata: Metadata = { title: "Dev mailbox", robots: { index: false } };

const URL_PATTERN = /(https?:\/\/[^\s<>"')]+)/g;

/** Email text with its links clickable. */
function Linkified({ text }: { text: string }) {
  const parts = text.split(URL_PATTERN);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a
            key={i}
            href={part}
            className="break-all font-medium text-primary underline underline-offset-4"
            data-testid="mailbox-link"
          >
            {part}
          </a>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}

const STATUS_BADGE: Record<string, "success" | "warning" | "destructive"> = {
  sent: "success",
  pending: "warning",
  failed: "destructive",
};

/**
 * Without SMTP_URL nothing is sent: emails are kept here instead, newest first, so the invite and
 * verification flows work end to end on the zero-config default. It holds everyone's links, so it
 * answers only visitors on this machine (unless TENANCY_DEV_MAILBOX=on), and is gone (404) as soon
 * as SMTP is configured.
 */
export default async function DevMailboxPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  if (!devMailboxVisibleTo(await headers())) notFound();
  const { to } = await searchParams;
  const recipient = typeof to === "string" && to.trim() ? to.trim() : undefined;
  const { database, config } = await getRuntime();
  const emails = await listMailbox(database.prisma, acceptedSecrets(config.secrets), { limit: 100, to: recipient });

  return (
    <div className="mx-auto grid w-full max-w-3xl gap-6 pt-6">
      <div className="grid gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Dev mailbox</h1>
        <p className="text-sm text-muted-foreground">
          <code className="font-mono text-xs">SMTP_URL</code> is not set, so emails are not sent: they wait here, newest
          first. Set <code className="font-mono text-xs">SMTP_URL</code> to deliver them for real (this page then
          disappears).
        </p>
      </div>
      <form className="flex gap-2" role="search" aria-label="Filter by recipient">
        <label htmlFor="mailbox-to" className="sr-only">
          Recipient
        </label>
        <Input
          id="mailbox-to"
          name="to"
          type="email"
          placeholder="Filter by recipient, e.g. bob@example.com"
          defaultValue={recipient ?? ""}
        />
        <button type="submit" className={buttonVariants({ variant: "outline" })}>
          Filter
        </button>
        {recipient ? (
          <a href="/dev/mailbox" className={buttonVariants({ variant: "ghost" })}>
            Clear
          </a>
        ) : null}
      </form>
      {emails.length === 0 ? (
        <div className="rounded-lg border border-dashed border-border bg-background px-6 py-12 text-center">
          <p className="text-sm font-medium">No emails{recipient ? ` for ${recipient}` : ""} yet</p>
          <p className="mt-1 text-sm text-muted-foreground">Invitations and email verification links show up here.</p>
        </div>
      ) : (
        <ol className="grid gap-4" aria-label="Emails">
          {emails.map((email) => (
            <MailboxEntry key={email.id} email={email} />
          ))}
        </ol>
      )}
    </div>
  );
}

function MailboxEntry({ email }: { email: MailboxEmail }) {
  return (
    <li>
      <article
        className="rounded-lg border border-border bg-card shadow-xs"
        data-testid="mailbox-email"
        data-to={email.to}
        data-kind={email.kind}
        aria-labelledby={`mail-${email.id}`}
      >
        <header className="grid gap-1 border-b border-border px-5 py-3">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h2 id={`mail-${email.id}`} className="text-sm font-semibold">
              {email.subject}
            </h2>
            <Badge variant={STATUS_BADGE[email.status] ?? "warning"}>
              {email.status === "sent" ? "delivered here" : email.status}
            </Badge>
          </div>
          <p className="text-xs text-muted-foreground">
            To <span className="font-medium text-foreground">{email.to}</span> ·{" "}
            <time dateTime={email.createdAt.toISOString()}>
              {email.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC
            </time>
          </p>
        </header>
        <pre className="whitespace-pre-wrap break-words px-5 py-4 font-sans text-sm leading-relaxed">
          <Linkified text={email.text} />
        </pre>
      </article>
    </li>
  );
}
