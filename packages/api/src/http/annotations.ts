import { TRPCError } from "@trpc/server";

import type { ApiContext } from "../context";
import { RateLimitedError } from "../domain/errors";
import { appRouter } from "../root";

/**
 * What the transports tell the HTTP front about a request (see @tenancy/observability's
 * request-annotations): procedure names, the actor's type and the rate limits that refused it.
 */

/** Only the router's own procedure names (a mistyped path must not become a metrics label). */
export function knownProcedures(paths: readonly string[] | undefined): string[] {
  return (paths ?? []).filter((path) => Object.hasOwn(appRouter._def.procedures, path));
}

/** "user", "token", ... or "anonymous"; null when no context was made (the request was refused before). */
export function actorTypeOf(ctx: Pick<ApiContext, "actor" | "credential"> | undefined): string | null {
  if (!ctx) return null;
  // The credential the request presented (looked up by the procedure that needed it).
  if (!ctx.actor && ctx.credential) return ctx.credential.kind === "session" ? "user" : "token";
  return ctx.actor?.type ?? "anonymous";
}

/** The limits named by the rate-limit refusals among these errors. */
export function rateLimitsOf(errors: readonly unknown[]): string[] {
  const limits: string[] = [];
  for (const error of errors) {
    const cause = error instanceof TRPCError ? error.cause : error;
    if (cause instanceof RateLimitedError) limits.push(cause.limit);
  }
  return limits;
}
