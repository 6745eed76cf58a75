import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import superjson from "superjson";
import { z, ZodError } from "zod";

import type { ApiContext } from "./context";
import type { UserActor } from "./domain/actor";
import { DomainError, type DomainErrorKind, type ErrorReason } from "./domain/errors";
import type { Permission } from "./domain/permissions";
import { organizationRef } from "./schemas/common";
import { resolveOrganizationAccess, type OrganizationAccess } from "./services/access";

const TRPC_CODE_OF_KIND: Record<DomainErrorKind, TRPC_ERROR_CODE_KEY> = {
  invalid: "BAD_REQUEST",
  unauthenticated: "UNAUTHORIZED",
  forbidden: "FORBIDDEN",
  not_found: "NOT_FOUND",
  conflict: "CONFLICT",
  rate_limited: "TOO_MANY_REQUESTS",
};

const DEFAULT_REASON_OF_CODE: Partial<Record<TRPC_ERROR_CODE_KEY, string>> = {
  BAD_REQUEST: "invalid_input",
  UNAUTHORIZED: "unauthenticated",
  FORBIDDEN: "forbidden",
  NOT_FOUND: "not_found",
  TOO_MANY_REQUESTS: "rate_limited",
  INTERNAL_SERVER_ERROR: "internal_error",
};

/** The one place a DomainError becomes a tRPC error. */
export function toTRPCError(error: DomainError): TRPCError {
  return new TRPCError({ code: TRPC_CODE_OF_KIND[error.kind], message: error.message, cause: error });
}

export interface ErrorDescription {
  /** Machine-readable: `last_owner`, `email_mismatch`, `invalid_input`, ... */
  reason: string;
  message: string;
  details: Record<string, unknown> | null;
  fieldErrors: Record<string, string[] | undefined> | null;
  formErrors: string[] | null;
}

/** What clients are told about an error, for the tRPC error shape and the /v1 HTTP API alike. */
export function describeError(error: TRPCError): ErrorDescription {
  const cause = error.cause;
  const zodError = cause instanceof ZodError ? cause : null;
  const domainError = cause instanceof DomainError ? cause : null;
  const flat = zodError ? z.flattenError(zodError) : null;
  return {
    reason:
      domainError?.reason ??
      (zodError ? "invalid_input" : (DEFAULT_REASON_OF_CODE[error.code] ?? error.code.toLowerCase())),
    // Never leak internals (SQL, stack) to clients.
    message: zodError
      ? "Invalid input"
      : error.code === "INTERNAL_SERVER_ERROR"
        ? "Something went wrong on our side"
        : error.message,
    details: domainError?.details ?? null,
    fieldErrors: flat ? (flat.fieldErrors as Record<string, string[] | undefined>) : null,
    formErrors: flat ? flat.formErrors : null,
  };
}

/**
 * What the API contract (the OpenAPI document, the reference) says about a procedure. The builders
 * below set `access`; each procedure adds its summary and the reasons its service can refuse with.
 */
export interface ApiMeta {
  /** Who may call: anyone, a user or an org API token, a signed-in user only, or an organization's member/token. */
  access?: "public" | "authed" | "user" | "org";
  permission?: Permission;
  requireActive?: boolean;
  summary?: string;
  description?: string;
  /** The domain reasons the procedure's service can throw (the builders' own errors are implied by `access`). */
  errors?: readonly ErrorReason[];
}

const t = initTRPC
  .context<ApiContext>()
  .meta<ApiMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const { message, ...data } = describeError(error);
      return { ...shape, message, data: { ...shape.data, stack: undefined, ...data } };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps DomainErrors thrown by services; logs unexpected errors once, without secrets (inputs are not logged). */
const domainErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) throw toTRPCError(cause);
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      console.error(`[api] ${path} failed:`, cause ?? result.error);
    }
  }
  return result;
});

export const publicProcedure = t.procedure.use(domainErrors).meta({ access: "public" });

/** A user or an org API token. */
export const authedProcedure = publicProcedure.meta({ access: "authed" }).use(({ ctx, next }) => {
  if (!ctx.actor) {
    throw toTRPCError(
      ctx.authError ?? new DomainError("unauthenticated", "unauthenticated", "Sign in or present an API token"),
    );
  }
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

/** A signed-in user (tokens cannot create orgs, accept invitations or join). */
export const userProcedure = authedProcedure.meta({ access: "user" }).use(({ ctx, next }) => {
  if (ctx.actor.type !== "user") {
    throw toTRPCError(
      new DomainError("forbidden", "user_required", "This action needs a signed-in user, not an API token"),
    );
  }
  return next({ ctx: { ...ctx, actor: ctx.actor as UserActor } });
});

export interface OrgProcedureOptions {
  /** Refuse when the organization is inactive (read-only). */
  requireActive?: boolean;
}

/**
 * The one org-scoped builder: resolves `organizationId` (id or handle), checks membership
 * (non-members get NOT_FOUND: no existence oracle) and the permission (members without it get FORBIDDEN).
 */
export function orgProcedure(permission: Permission, options: OrgProcedureOptions = {}) {
  const requireActive = options.requireActive ?? false;
  return authedProcedure
    .meta({ access: "org", permission, requireActive })
    .input(z.object({ organizationId: organizationRef }))
    .use(async ({ ctx, input, next }) => {
      const access: OrganizationAccess = await resolveOrganizationAccess(ctx.db, ctx.actor, input.organizationId, {
        permission,
        requireActive,
      });
      return next({ ctx: { ...ctx, access } });
    });
}
