import { escapeHtml } from "./html";
import type { OutgoingEmail } from "./outbox";

export function invitationEmail(input: {
  organizationId: string;
  organizationName: string;
  inviterName: string;
  to: string;
  role: string;
  message: string | null;
  acceptUrl: string;
  expiresAt: Date;
}): OutgoingEmail {
  const expires = input.expiresAt.toUTCString();
  const lines = [
    `${input.inviterName} invited you to join ${input.organizationName} as ${input.role}.`,
    ...(input.message ? ["", `"${input.message}"`] : []),
    "",
    `Accept the invitation: ${input.acceptUrl}`,
    "",
    `This link works once and expires ${expires}. If you did not expect it, ignore this email.`,
  ];
  const html = `<p>${escapeHtml(input.inviterName)} invited you to join <strong>${escapeHtml(input.organizationName)}</strong> as ${escapeHtml(input.role)}.</p>${
    input.message ? `<blockquote>${escapeHtml(input.message)}</blockquote>` : ""
  }<p><a href="${escapeHtml(input.acceptUrl)}">Accept the invitation</a></p><p>This link works once and expires ${escapeHtml(expires)}.</p>`;
  return {
    organizationId: input.organizationId,
    kind: "invitation",
    to: input.to,
    subject: `${input.inviterName} invited you to ${input.organizationName}`,
    text: lines.join("\n"),
    html,
  };
}
