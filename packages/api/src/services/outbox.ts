import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

import type { DbClient } from "@tenancy/db/client";

/**
 * Email waits in the outbox table until a worker delivers it. Bodies carry one-time links, so they
 * are stored encrypted (AES-256-GCM under a key derived from the server secret), never in clear.
 */
export interface OutgoingEmail {
  organizationId: string | null;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

const PREFIX = "enc:v1:";

function outboxKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "tenancy", "email-outbox-v1", 32));
}

export function sealBody(secret: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", outboxKey(secret), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** Raised when none of the given secrets opens a sealed body (it was sealed under another secret). */
export class UnreadableBodyError extends Error {
  constructor() {
    super("Cannot decrypt the message body with this server's secrets");
    this.name = "UnreadableBodyError";
  }
}

/**
 * Opens a sealed body with whichever of `secrets` it was sealed under (the current secret first,
 * then previous ones after a rotation). Bodies written before encryption are returned as they are.
 */
export function openBody(secrets: string | readonly string[], sealed: string): string {
  if (!sealed.startsWith(PREFIX)) return sealed;
  const raw = Buffer.from(sealed.slice(PREFIX.length), "base64url");
  for (const secret of typeof secrets === "string" ? [secrets] : secrets) {
    try {
      const decipher = createDecipheriv("aes-256-gcm", outboxKey(secret), raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    } catch {
      // sealed under another secret (the authentication tag does not match), or damaged
    }
  }
  throw new UnreadableBodyError();
}

/** Queue an email inside the caller's transaction, so it exists if and only if the change commits. */
export async function enqueueEmail(tx: DbClient, secret: string, email: OutgoingEmail): Promise<void> {
  await tx.emailOutbox.create({
    data: {
      organizationId: email.organizationId,
      kind: email.kind,
      to: email.to,
      subject: email.subject,
      text: sealBody(secret, email.text),
      html: email.html ? sealBody(secret, email.html) : null,
    },
    select: { id: true },
  });
}
