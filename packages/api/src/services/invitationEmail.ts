import { initialsOf } from "../domain/initials";
import { escapeHtml } from "./html";
import type { OutgoingEmail } from "./outbox";

export function invitationEmail(input: {
  organizationId: string;
  organizationName: string;
  /** Absolute URL of the organization's logo, or null: the email shows its initials instead. */
  organizationLogoUrl: string | null;
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
  const html = `${organizationMark(input.organizationName, input.organizationLogoUrl)}<p>${escapeHtml(input.inviterName)} invited you to join <strong>${escapeHtml(input.organizationName)}</strong> as ${escapeHtml(input.role)}.</p>${
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

/** The organization's logo, or its initials in a tile, above the message (inline styles: email clients ignore stylesheets). */
function organizationMark(name: string, logoUrl: string | null): string {
  if (logoUrl) {
    return `<p><img src="${escapeHtml(logoUrl)}" alt="${escapeHtml(name)}" width="48" height="48" style="border-radius:8px;object-fit:contain"></p>`;
  }
  return `<p><span style="display:inline-block;width:48px;height:48px;line-height:48px;border-radius:8px;background:#171717;color:#ffffff;font:600 18px sans-serif;text-align:center">${escapeHtml(initialsOf(name))}</span></p>`;
}
