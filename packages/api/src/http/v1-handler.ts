import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPCError } from "@trpc/server";

import type { ApiContext } from "../context";
import { openApiDocument } from "../openapi/document";
import { appRouter, createCaller } from "../root";
import { describeError } from "../trpc";
import { resolveV1Target, restFieldErrors, restInput } from "./rest-adapter";
import { REST_ROUTES } from "./rest-routes";

/**
 * The seed's plain-JSON HTTP API: `POST /v1/organizations/<path>` where <path> is the procedure
 * path in kebab-case with slashes (`members/set-role` → organizations.members.setRole).
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

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers?: Record<string, string>,
) {
  return json(status, { error: { code, message, ...extra } }, headers);
}

export async function handleV1Request(
  request: Request,
  createContext: (request: Request) => Promise<ApiContext>,
): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/v1/openapi.json") {
    if (request.method !== "GET" && request.method !== "HEAD")
      return errorResponse(405, "method_not_allowed", "Use GET", {}, { allow: "GET" });
    return json(200, openApiDocument(), { "cache-control": "public, max-age=300" });
  }
  const target = resolveV1Target(request.method, url.pathname, procedurePathOf(url.pathname), REST_ROUTES);
  if (target.kind === "not_found") return errorResponse(404, "not_found", "No such endpoint");
  if (target.kind === "method_not_allowed") {
    const allow = target.allow.join(", ");
    return errorResponse(405, "method_not_allowed", `This path answers ${allow}`, {}, { allow });
  }
  const path = target.kind === "procedure" ? target.path : target.route.procedure;

  let input: unknown;
  const body = await request.text();
  if (body.trim() !== "") {
    try {
      input = JSON.parse(body);
    } catch {
      return errorResponse(400, "invalid_json", "The request body is not valid JSON");
    }
  }

  if (target.kind === "rest") {
    const rest = restInput(target.route, target.params, url.searchParams, input);
    if (!rest.ok) {
      return errorResponse(400, "invalid_input", rest.message, { fieldErrors: rest.fieldErrors, formErrors: [] });
    }
    input = rest.input;
  }

  try {
    const ctx = await createContext(request);
    // Walk the caller proxy to the procedure, e.g. caller.organizations.members.setRole.
    const procedure = path
      .split(".")
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], createCaller(ctx));
    const result = await (procedure as (input: unknown) => Promise<unknown>)(input);
    return json(target.kind === "rest" ? (target.route.status ?? 200) : 200, result ?? null);
  } catch (error) {
    // Procedure errors arrive as TRPCErrors (already logged by the tRPC middleware if unexpected).
    if (!(error instanceof TRPCError)) console.error(`[v1] ${path} failed:`, error);
    const trpcError =
      error instanceof TRPCError ? error : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error });
    const { reason, message, details, fieldErrors, formErrors } = describeError(trpcError);
    const extra: Record<string, unknown> = {};
    if (fieldErrors) {
      const named = target.kind === "rest" ? restFieldErrors(target.route, fieldErrors) : fieldErrors;
      Object.assign(extra, { fieldErrors: named, formErrors });
    }
    if (details) extra.details = details;
    const retryAfter =
      typeof details?.retryAfterSeconds === "number" ? { "retry-after": String(details.retryAfterSeconds) } : undefined;
    return errorResponse(getHTTPStatusCodeFromError(trpcError), reason, message, extra, retryAfter);
  }
}
