import { createHmac, timingSafeEqual } from "node:crypto";

import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";

/**
 * Better Auth 1.7 signs its cookies (the session token among them) with HMAC-SHA256 under the
 * current secret only; its `secrets` option rotates what it encrypts, not what it signs. This plugin
 * makes signatures made under a previous secret count: before any endpoint reads the cookies, each
 * cookie whose signature verifies under a previous secret (and not the current one) is re-signed
 * under the current one. Better Auth then verifies it as usual, and issues current-secret cookies
 * whenever it next sets them (sign-in, the daily session refresh).
 */
export function previousSecretsPlugin(previous: readonly string[]): BetterAuthPlugin {
  return {
    id: "tenancy-previous-secrets",
    hooks: {
      before: [
        {
          matcher: (context) => Boolean(context.headers?.get("cookie")),
          handler: createAuthMiddleware(async (ctx) => {
            const cookie = ctx.headers?.get("cookie");
            if (!cookie) return;
            const resigned = resignCookieHeader(cookie, ctx.context.secret, previous);
            if (resigned === cookie) return;
            const headers = new Headers(ctx.headers);
            headers.set("cookie", resigned);
            return { context: { headers } };
          }),
        },
      ],
    },
  };
}

// better-call's signed cookie: encodeURIComponent(`${value}.${base64(HMAC-SHA256(secret, value))}`).
const SIGNATURE_LENGTH = 44;

const sign = (value: string, secret: string) => createHmac("sha256", secret).update(value, "utf8").digest("base64");

function signedBy(value: string, signature: string, secret: string): boolean {
  const expected = Buffer.from(sign(value, secret));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The Cookie header with every cookie signed under a previous secret re-signed under `current`. */
export function resignCookieHeader(header: string, current: string, previous: readonly string[]): string {
  let changed = false;
  const parts = header.split(";").map((part) => {
    const eq = part.indexOf("=");
    if (eq === -1) return part;
    const raw = part.slice(eq + 1).trim();
    const unquoted = raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw;
    const decoded = decode(unquoted);
    const dot = decoded.lastIndexOf(".");
    if (dot < 1) return part;
    const value = decoded.slice(0, dot);
    const signature = decoded.slice(dot + 1);
    if (signature.length !== SIGNATURE_LENGTH || !signature.endsWith("=")) return part;
    if (signedBy(value, signature, current)) return part;
    if (!previous.some((secret) => signedBy(value, signature, secret))) return part;
    changed = true;
    return `${part.slice(0, eq + 1)}${encodeURIComponent(`${value}.${sign(value, current)}`)}`;
  });
  return changed ? parts.join(";") : header;
}
