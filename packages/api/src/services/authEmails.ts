import type { DbClient } from "@tenancy/db/client";

import { escapeHtml } from "./html";
import { enqueueEmail, type OutgoingEmail } from "./outbox";

/**
 * Emails Better Auth asks us to send about an account (verify the address, reset the password).
 * They go through the outbox like invitations: bodies sealed at rest, delivered by the worker over
 * SMTP, or kept in the dev mailbox when SMTP is not configured.
 */
export type AuthEmailKind = "email_verification" | "password_reset";

export interface AuthEmailInput {
  kind: AuthEmailKind;
  to: string;
  /** The account's display name, for the greeting. */
  name: string;
  /** The one-time link Better Auth made (it carries a signed token: a secret, sealed in the outbox). */
  url: string;
  /** How long the link works, for the wording. */
  expiresInSeconds: number;
}

function validity(seconds: number): string {
  const hours = Math.round(seconds / 3600);
  return hours >= 1 ? `${hours} hour${hours === 1 ? "" : "s"}` : `${Math.max(1, Math.round(seconds / 60))} minutes`;
}

const TEMPLATES: Record<AuthEmailKind, (input: AuthEmailInput) => Omit<OutgoingEmail, "organizationId" | "to">> = {
  email_verification: (input) => {
    const greeting = input.name.trim() ? `Hi ${input.name.trim()},` : "Hi,";
    const lasts = validity(input.expiresInSeconds);
    return {
      kind: input.kind,
      subject: "Verify your email address",
      text: [
        greeting,
        "",
        `Confirm that ${input.to} is your email address: ${input.url}`,
        "",
        `The link works for ${lasts}. Until the address is verified, invitations sent to it can't be listed or ` +
          "accepted from your account (the link in an invitation email still works).",
        "If you did not create an account, ignore this email.",
      ].join("\n"),
      html:
        `<p>${escapeHtml(greeting)}</p>` +
        `<p>Confirm that <strong>${escapeHtml(input.to)}</strong> is your email address:</p>` +
        `<p><a href="${escapeHtml(input.url)}">Verify my email address</a></p>` +
        `<p>The link works for ${escapeHtml(lasts)}. If you did not create an account, ignore this email.</p>`,
    };
  },
  password_reset: (input) => {
    const greeting = input.name.trim() ? `Hi ${input.name.trim()},` : "Hi,";
    const lasts = validity(input.expiresInSeconds);
    return {
      kind: input.kind,
      subject: "Reset your password",
      text: [
        greeting,
        "",
        `Someone asked to reset the password of the account ${input.to}. Choose a new one here: ${input.url}`,
        "",
        `The link works once, for ${lasts}. Your other sessions are signed out when the password changes.`,
        "If you did not ask for this, ignore this email: your password stays as it is.",
      ].join("\n"),
      html:
        `<p>${escapeHtml(greeting)}</p>` +
        `<p>Someone asked to reset the password of the account <strong>${escapeHtml(input.to)}</strong>.</p>` +
        `<p><a href="${escapeHtml(input.url)}">Choose a new password</a></p>` +
        `<p>The link works once, for ${escapeHtml(lasts)}. If you did not ask for this, ignore this email: your password stays as it is.</p>`,
    };
  },
};

/** Queues an auth email (outside any transaction of ours: Better Auth calls this after its own commit). */
export async function queueAuthEmail(db: DbClient, secret: string, input: AuthEmailInput): Promise<void> {
  await enqueueEmail(db, secret, { organizationId: null, to: input.to.toLowerCase(), ...TEMPLATES[input.kind](input) });
}
