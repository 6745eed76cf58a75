import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import superjson from "superjson";
import { z, ZodError, ZodRealError } from "zod";

import { getLogger } from "@tenancy/observability/logger";

import type { ApiConfig, RateLimitRule } from "./config";
import { resolveCaller, type ApiContext } from "./context";
import type { Actor, UserActor } from "./domain/actor";
import { DomainError, type DomainErrorKind, type ErrorReason, forbidden } from "./domain/errors";
import type { InstancePermission } from "./domain/instances";
import type { Permission } from "./domain/permissions";
import { acceptedScopes, scopedOperationOf, scopesAllow } from "./domain/scopes";
import { NUL_CHARACTER_MESSAGE, nulCharacterPaths } from "./input-safety";
import { organizationRef } from "./schemas/common";
import { instanceScoped } from "./schemas/instances";
import { checkOrganizationAccess, lookupOrganizationAccess, type OrganizationAccess } from "./services/access";
import { resolveInstanceAccess, type InstanceAccess } from "./services/instanceAccess";
import { isPlatformOperator } from "./services/operators";
import { consumeRateLimit, ipBucket } from "./services/rateLimit";

const TRPC_CODE_OF_KIND: Record<DomainErrorKind, TRPC_ERROR_CODE_KEY> = {
  invalid: "BAD_REQUEST",
  unauthenticated: "UNAUTHORIZED",
  forbidden: "FORBIDDEN",
  not_found: "NOT_FOUND",
  payment_required: "PAYMENT_REQUIRED",
  conflict: "CONFLICT",
  rate_limited: "TOO_MANY_REQUESTS",
};

/** The reason of an error that carries none of its own (not a DomainError): every tRPC code has one. */
const REASON_OF_CODE: Record<TRPC_ERROR_CODE_KEY, ErrorReason> = {
  PARSE_ERROR: "invalid_json",
  BAD_REQUEST: "invalid_input",
  UNPROCESSABLE_CONTENT: "invalid_input",
  PRECONDITION_FAILED: "invalid_input",
  PRECONDITION_REQUIRED: "invalid_input",
  UNAUTHORIZED: "unauthenticated",
  PAYMENT_REQUIRED: "forbidden",
  FORBIDDEN: "forbidden",
  NOT_FOUND: "not_found",
  METHOD_NOT_SUPPORTED: "method_not_allowed",
  CONFLICT: "conflict",
  PAYLOAD_TOO_LARGE: "payload_too_large",
  UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
  TOO_MANY_REQUESTS: "rate_limited",
  TIMEOUT: "internal_error",
  CLIENT_CLOSED_REQUEST: "internal_error",
  INTERNAL_SERVER_ERROR: "internal_error",
  NOT_IMPLEMENTED: "internal_error",
  BAD_GATEWAY: "internal_error",
  SERVICE_UNAVAILABLE: "internal_error",
  GATEWAY_TIMEOUT: "internal_error",
};

/** The one place a DomainError becomes a tRPC error. */
export function toTRPCError(error: DomainError): TRPCError {
  return new TRPCError({ code: TRPC_CODE_OF_KIND[error.kind], message: error.message, cause: error });
}

/** Any error on its way to a client: DomainErrors keep their reason, the rest become INTERNAL_SERVER_ERROR. */
export function asTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof DomainError) return toTRPCError(error);
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error });
}

export interface ErrorDescription {
  /** Machine-readable: `last_owner`, `email_mismatch`, `invalid_input`, ... always one of ERROR_REASONS. */
  reason: ErrorReason;
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
    reason: domainError?.reason ?? (zodError ? "invalid_input" : REASON_OF_CODE[error.code]),
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
  /**
   * Who may call: anyone, a user or an org API token, a signed-in user only (session or personal
   * access token), a user signed in with the session cookie, a platform operator, an organization's
   * member/token, or an instance's member/token.
   */
  access?: "public" | "authed" | "user" | "session" | "operator" | "org" | "instance";
  permission?: Permission;
  instancePermission?: InstancePermission;
  requireActive?: boolean;
  /** An org procedure that platform operators may call on any organization. */
  operators?: boolean;
  /** Rate-limited per client IP (the limit's name in ApiConfig.rateLimits). */
  perIpLimit?: keyof ApiConfig["rateLimits"];
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
const domainErrors = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) throw toTRPCError(cause);
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      getLogger("api").error(`${path} failed`, {
        procedure: path,
        requestId: ctx.requestId ?? undefined,
        err: cause ?? result.error,
      });
    }
  }
  return result;
});

/**
 * Refuses any input holding a NUL character (PostgreSQL text cannot), for every procedure at once:
 * 400 invalid_input with the offending fields, before authentication or any query.
 */
const rejectNulCharacters = t.middleware(async ({ getRawInput, next }) => {
  const paths = nulCharacterPaths(await getRawInput());
  if (paths.length > 0) {
    const issues = paths.map((path) => ({
      code: "custom" as const,
      path,
      message: NUL_CHARACTER_MESSAGE,
      input: undefined,
    }));
    // ZodRealError: the Error subclass zod's own parse failures are (a plain ZodError is not an Error).
    throw new TRPCError({ code: "BAD_REQUEST", message: "Invalid input", cause: new ZodRealError(issues) });
  }
  return next();
});

export const publicProcedure = t.procedure.use(domainErrors).use(rejectNulCharacters).meta({ access: "public" });

/** `organizationId` of a raw input, as organizationRef would parse it, or null when it would not. */
function peekOrganizationRef(rawInput: unknown): string | null {
  if (typeof rawInput !== "object" || rawInput === null) return null;
  const ref = (rawInput as { organizationId?: unknown }).organizationId;
  if (typeof ref !== "string") return null;
  const trimmed = ref.trim();
  return trimmed.length >= 1 && trimmed.length <= 100 ? trimmed : null;
}

/** Procedures only users reach: no token scope applies, the builder refuses tokens itself. */
const USER_ONLY_ACCESS = new Set<ApiMeta["access"]>(["user", "session", "operator"]);

const insufficientScope = (accepted: string[], message: string) =>
  new DomainError("forbidden", "insufficient_scope", message, { acceptedScopes: accepted });

/**
 * The one scope check (the table is domain/scopes.ts): an API token with scopes reaches a procedure
 * only when one of its scopes accepts it; 403 insufficient_scope names the scopes that would. An
 * organization token minted without scopes keeps every power it had before scopes existed. Tokens of
 * the other level are left to the access check (an org token on an instance procedure: 404).
 */
export function assertTokenScopes(actor: Actor, path: string): void {
  if (actor.type === "user") return;
  const operation = scopedOperationOf(path);
  if (actor.type === "token") {
    if (operation?.level === "instance" || actor.scopes.length === 0) return;
    if (operation?.level === "organization" && scopesAllow(actor.scopes, operation)) return;
    const accepted = operation ? acceptedScopes(operation) : [];
    throw insufficientScope(
      accepted,
      accepted.length > 0
        ? `This API token's scopes do not allow ${path} (any of ${accepted.join(", ")} would)`
        : `No API token scope allows ${path}`,
    );
  }
  if (operation?.level === "instance") {
    if (scopesAllow(actor.scopes, operation)) return;
    const accepted = acceptedScopes(operation);
    throw insufficientScope(
      accepted,
      `This instance token's scopes do not allow ${path} (any of ${accepted.join(", ")} would)`,
    );
  }
  throw insufficientScope([], `Instance API tokens act on instance procedures only, not ${path}`);
}

/**
 * A user, an org API token or an instance API token, within its scopes. A session cookie is looked
 * up here, once per request; for an org-scoped procedure the same statement reads the caller's access
 * to the organization its input names (handed to orgProcedure as `prefetchedAccess`).
 */
export const authedProcedure = publicProcedure
  .meta({ access: "authed" })
  .use(async ({ ctx, meta, path, getRawInput, next }) => {
    const ref = ctx.credential && meta?.access === "org" ? peekOrganizationRef(await getRawInput()) : null;
    const caller = await resolveCaller(ctx, ref);
    if (!caller.actor) {
      throw toTRPCError(
        caller.error ?? new DomainError("unauthenticated", "unauthenticated", "Sign in or present an API token"),
      );
    }
    if (!USER_ONLY_ACCESS.has(meta?.access)) assertTokenScopes(caller.actor, path);
    return next({ ctx: { ...ctx, actor: caller.actor, prefetchedAccess: caller.prefetched } });
  });
const scopeCheckMiddleware = authedProcedure._def.middlewares.at(-1)!;

/**
 * A signed-in user, by session cookie or personal access token (API tokens cannot create orgs,
 * accept invitations or join).
 */
export const userProcedure = authedProcedure.meta({ access: "user" }).use(({ ctx, next }) => {
  if (ctx.actor.type !== "user") {
    throw toTRPCError(
      new DomainError("forbidden", "user_required", "This action needs a signed-in user, not an API token"),
    );
  }
  return next({ ctx: { ...ctx, actor: ctx.actor as UserActor } });
});

/** A user signed in with the session cookie: a personal access token cannot mint more of itself. */
export const sessionProcedure = userProcedure.meta({ access: "session" }).use(({ ctx, next }) => {
  if (ctx.actor.userTokenId) {
    throw toTRPCError(
      forbidden("session_required", "Sign in with your password to do this; a personal access token cannot"),
    );
  }
  return next();
});

/**
 * A platform operator (issues licenses, keeps the plan catalogue): who that is is decided in one
 * place, isPlatformOperator. Others get 403 operator_required.
 */
export const operatorProcedure = userProcedure.meta({ access: "operator" }).use(async ({ ctx, next }) => {
  if (!(await isPlatformOperator(ctx.db, ctx.config, ctx.actor))) {
    throw toTRPCError(
      forbidden("operator_required", "Only platform operators (owners and admins of the default instance) can do this"),
    );
  }
  return next();
});

/**
 * Counts one call per client IP against `ApiConfig.rateLimits[name]` before the procedure runs, even
 * when it then fails (a guesser pays for every attempt). Callers without a known IP (server-side) are
 * not counted. HTTP concerns such as this stay out of the services.
 */
export function perIpRateLimit(name: keyof ApiConfig["rateLimits"]) {
  return t.middleware(async ({ ctx, next }) => {
    const rule: RateLimitRule = ctx.config.rateLimits[name];
    // Keyed `<action>:ip:<bucket>` like `preview:ip:…`, so logs and metrics name the limit `activate:ip`.
    if (ctx.ip) await consumeRateLimit(ctx.db, `${name.replace(/PerIp$/, "")}:ip:${ipBucket(ctx.ip)}`, rule);
    return next();
  });
}

/** A public procedure rate-limited per client IP (see perIpRateLimit); the contract lists `rate_limited`. */
export function publicProcedureLimitedPerIp(name: keyof ApiConfig["rateLimits"]) {
  return publicProcedure.meta({ perIpLimit: name }).use(perIpRateLimit(name));
}

export interface OrgProcedureOptions {
  /** Refuse when the organization is inactive (read-only). */
  requireActive?: boolean;
  /**
   * Platform operators may call it on any organization, member or not (ctx.access.operator says
   * so); members still need the permission.
   */
  operators?: boolean;
}

// The middlewares of the builders below, so a test can prove which builder a procedure went through
// (meta says what a procedure declares; these say what it runs).
const orgAccessMiddlewares = new WeakSet<object>();
const nulGuardMiddlewares = new WeakSet<object>(rejectNulCharacters._middlewares);

/**
 * The one org-scoped builder: resolves `organizationId` (id or handle), checks membership
 * (non-members get NOT_FOUND: no existence oracle) and the permission (members without it get FORBIDDEN).
 */
export function orgProcedure(permission: Permission, options: OrgProcedureOptions = {}) {
  const requireActive = options.requireActive ?? false;
  const operators = options.operators ?? false;
  const builder = authedProcedure
    .meta({ access: "org", permission, requireActive, operators })
    .input(z.object({ organizationId: organizationRef }))
    .use(async ({ ctx, input, next }) => {
      const operator = operators && (await isPlatformOperator(ctx.db, ctx.config, ctx.actor));
      // The request's credential lookup may have read this organization's access already (callers.ts);
      // an operator who is not a member needs the organization looked up on its own.
      const prefetched = ctx.prefetchedAccess;
      const lookup =
        prefetched?.ref === input.organizationId && (prefetched.lookup || !operator)
          ? prefetched.lookup
          : await lookupOrganizationAccess(ctx.db, ctx.actor, input.organizationId, { operator });
      const access: OrganizationAccess = checkOrganizationAccess(ctx.actor, lookup, {
        permission,
        requireActive,
        operator,
      });
      return next({ ctx: { ...ctx, access } });
    });
  orgAccessMiddlewares.add(builder._def.middlewares.at(-1)!);
  return builder;
}

const instanceAccessMiddlewares = new WeakSet<object>();

/**
 * The one instance-scoped builder: resolves `instanceId` and the caller's instance role (an instance
 * member, or an instance token of that instance). Anyone else gets NOT_FOUND instance_not_found, as
 * does a missing instance; a member without the permission gets FORBIDDEN.
 */
export function instanceProcedure(permission: InstancePermission) {
  const builder = authedProcedure
    .meta({ access: "instance", instancePermission: permission })
    .input(instanceScoped)
    .use(async ({ ctx, input, next }) => {
      const instanceAccess: InstanceAccess = await resolveInstanceAccess(
        ctx.db,
        ctx.actor,
        input.instanceId,
        permission,
      );
      return next({ ctx: { ...ctx, instanceAccess } });
    });
  instanceAccessMiddlewares.add(builder._def.middlewares.at(-1)!);
  return builder;
}

interface ProcedureLike {
  _def: { middlewares: readonly object[] };
}

/** Did this procedure go through orgProcedure (membership + permission resolved before it runs)? */
export function resolvesOrganizationAccess(procedure: ProcedureLike): boolean {
  return procedure._def.middlewares.some((middleware) => orgAccessMiddlewares.has(middleware));
}

/** Is this procedure built on publicProcedure (so its input is checked for NUL characters)? */
export function rejectsNulCharacters(procedure: ProcedureLike): boolean {
  return procedure._def.middlewares.some((middleware) => nulGuardMiddlewares.has(middleware));
}

/** Does this procedure authenticate through authedProcedure (so the one scope check sees every token)? */
export function checksTokenScopes(procedure: ProcedureLike): boolean {
  return procedure._def.middlewares.includes(scopeCheckMiddleware);
}

/** Did this procedure go through instanceProcedure (instance role resolved before it runs)? */
export function resolvesInstanceAccess(procedure: ProcedureLike): boolean {
  return procedure._def.middlewares.some((middleware) => instanceAccessMiddlewares.has(middleware));
}
