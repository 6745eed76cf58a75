import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPCError } from "@trpc/server";

import { getLogger } from "@tenancy/observability/logger";
import {
  annotateResponse,
  REQUEST_ID_HEADER,
  type RequestAnnotations,
} from "@tenancy/observability/request-annotations";

import type { ApiContext } from "../context";
import { DomainError, type ErrorReason } from "../domain/errors";
import { openApiDocument } from "../openapi/document";
import { appRouter, createCaller } from "../root";
import { asTRPCError, describeError } from "../trpc";
import { actorTypeOf, rateLimitsOf } from "./annotations";
import { mediaTypeOf, readBodyText, unsupportedMediaType } from "./request-body";
import type { RequestHeaders } from "./request-headers";
import { resolveV1Target, restFieldErrors, restInput } from "./rest-adapter";
import { REST_ROUTES, type RestRoute } from "./rest-routes";

/**
 * The seed's plain-JSON HTTP API: `POST /v1/<path>` where <path> is the procedure path in kebab-case
 * with slashes (`organizations/members/set-role` → organizations.members.setRole, `deployments/activate`).
 * Success: 200 with the procedure's result. Errors: `{"error": {"code", "message", ...}}`.
 * Next to them, the REST routes of rest-routes.ts (`GET /v1/organizations/{org_id}`, ...) call the same
 * procedures; `GET /v1/openapi.json` describes both.
 */
const PREFIX = "/v1/";

const kebabToCamel = (segment: string) => segment.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());

export function procedurePathOf(pathname: string): string | null {
  if (!pathname.startsWith(PREFIX)) return null;
  const segments = pathname.slice(PREFIX.length).split("/").filter(Boolean);
  if (segments.length === 0 || !segments.every((s) => /^[a-z][a-z0-9-]*$/.test(s))) return null;
  const path = segments.map(kebabToCamel).join(".");
  return path in appRouter._def.procedures ? path : null;
}

/**
 * One /v1 request as the handler reads it, whichever transport carried it: a fetch `Request`
 * (handleV1Request: Next's route handler, tests) or the node:http front's request read in place
 * (answerV1Call), which spares building a Request and a Response per call.
 */
export interface V1Call {
  method: string;
  /** The request target: a path with its query, or an absolute URL (only its path and query are read). */
  url: string;
  headers: RequestHeaders;
  /** The body as text, refused with 413 past `maxBytes` (request-body.ts). */
  readBody(maxBytes: number): Promise<string>;
}

/** A /v1 answer: JSON text with its status and headers (Set-Cookie lines apart). */
export interface V1Answer {
  status: number;
  headers: Record<string, string>;
  setCookies: readonly string[];
  body: string;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): V1Answer {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
    setCookies: [],
    body: JSON.stringify(body),
  };
}

function errorBody(reason: ErrorReason, message: string, extra: Record<string, unknown> = {}) {
  return { error: { code: reason, message, ...extra } };
}

/** An error as /v1 answers it: its status, `{"error": {code, message, ...}}`, Retry-After or Allow when they apply. */
function errorResponse(error: TRPCError, options: { route?: RestRoute; allow?: string[] } = {}): V1Answer {
  const { reason, message, details, fieldErrors, formErrors } = describeError(error);
  const extra: Record<string, unknown> = {};
  if (fieldErrors) {
    // Field errors name the procedure's fields: a REST caller gets the names it used.
    const named = options.route ? restFieldErrors(options.route, fieldErrors) : fieldErrors;
    Object.assign(extra, { fieldErrors: named, formErrors });
  }
  if (details) extra.details = details;
  const headers: Record<string, string> = {};
  if (typeof details?.retryAfterSeconds === "number") headers["retry-after"] = String(details.retryAfterSeconds);
  if (options.allow) headers.allow = options.allow.join(", ");
  return json(getHTTPStatusCodeFromError(error), errorBody(reason, message, extra), headers);
}

export interface V1RequestOptions {
  maxBodyBytes: number;
}

/**
 * Refusals come before any work: unknown path 404, method 405, a body that is not JSON 415 (a
 * Content-Type, if sent, must be application/json), an oversized one 413, malformed JSON 400; then
 * the context (which refuses cross-site cookie requests) and the procedure.
 */
export async function handleV1Request(
  request: Request,
  createContext: (request: Request) => Promise<ApiContext>,
  options: V1RequestOptions,
): Promise<Response> {
  const call: V1Call = {
    method: request.method,
    url: request.url,
    headers: request.headers,
    readBody: (maxBytes) => readBodyText(request, maxBytes),
  };
  const answer = await answerV1Call(call, () => createContext(request), options);
  const response = new Response(answer.body, { status: answer.status, headers: answer.headers });
  for (const line of answer.setCookies) response.headers.append("set-cookie", line);
  return response;
}

/** Answers one /v1 call (see handleV1Request); `createContext` builds the API context of its request. */
export async function answerV1Call(
  call: V1Call,
  createContext: () => Promise<ApiContext>,
  options: V1RequestOptions,
): Promise<V1Answer> {
  const observed: RequestAnnotations = {};
  const answer = await answerCall(call, createContext, options, observed);
  // For the HTTP front's log line and metrics (it removes these headers).
  annotateResponse({ set: (name, value) => (answer.headers[name] = value) }, observed);
  return answer;
}

async function answerCall(
  call: V1Call,
  createContext: () => Promise<ApiContext>,
  options: V1RequestOptions,
  observed: RequestAnnotations,
): Promise<V1Answer> {
  // Only the path and query are read: the host of a relative target is a placeholder.
  const url = new URL(call.url, "http://localhost");
  if (url.pathname === "/v1/openapi.json") {
    if (call.method !== "GET" && call.method !== "HEAD") {
      return errorResponse(new TRPCError({ code: "METHOD_NOT_SUPPORTED", message: "Use GET" }), { allow: ["GET"] });
    }
    return json(200, openApiDocument(), { "cache-control": "public, max-age=300" });
  }
  const target = resolveV1Target(call.method, url.pathname, procedurePathOf(url.pathname), REST_ROUTES);
  if (target.kind === "not_found") {
    return errorResponse(new TRPCError({ code: "NOT_FOUND", message: "No such endpoint" }));
  }
  if (target.kind === "method_not_allowed") {
    const message = `This path answers ${target.allow.join(", ")}`;
    return errorResponse(new TRPCError({ code: "METHOD_NOT_SUPPORTED", message }), { allow: target.allow });
  }
  const path = target.kind === "procedure" ? target.path : target.route.procedure;
  const route = target.kind === "rest" ? target.route : undefined;
  observed.procedures = [path];

  let ctx: ApiContext | undefined;
  try {
    const mediaType = mediaTypeOf(call.headers);
    if (mediaType !== null && mediaType !== "application/json") throw unsupportedMediaType();
    const body = await call.readBody(options.maxBodyBytes);
    let input: unknown;
    if (body.trim() !== "") {
      if (mediaType === null) throw unsupportedMediaType();
      try {
        input = JSON.parse(body);
      } catch {
        throw new TRPCError({ code: "PARSE_ERROR", message: "The request body is not valid JSON" });
      }
    }

    if (target.kind === "rest") {
      const rest = restInput(target.route, target.params, url.searchParams, input);
      if (!rest.ok) {
        return json(400, errorBody("invalid_input", rest.message, { fieldErrors: rest.fieldErrors, formErrors: [] }));
      }
      input = rest.input;
    }

    ctx = await createContext();
    observed.actor = actorTypeOf(ctx);
    // Walk the caller proxy to the procedure, e.g. caller.organizations.members.setRole.
    const procedure = path
      .split(".")
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], createCaller(ctx));
    const result = await (procedure as (input: unknown) => Promise<unknown>)(input);
    return withSessionCookies(json(route?.status ?? 200, result ?? null), ctx);
  } catch (error) {
    // Procedure errors arrive as TRPCErrors (already logged by the tRPC middleware if unexpected).
    if (!(error instanceof TRPCError) && !(error instanceof DomainError)) {
      getLogger("api").error(`${path} failed`, {
        procedure: path,
        requestId: call.headers.get(REQUEST_ID_HEADER) ?? undefined,
        err: error,
      });
    }
    observed.rateLimits = rateLimitsOf([error]);
    return withSessionCookies(errorResponse(asTRPCError(error), { route }), ctx);
  }
}

/** Better Auth's answer about the session (a refreshed or cleared cookie) goes out with the answer. */
function withSessionCookies(answer: V1Answer, ctx: ApiContext | undefined): V1Answer {
  return ctx?.setCookies?.length ? { ...answer, setCookies: [...answer.setCookies, ...ctx.setCookies] } : answer;
}
