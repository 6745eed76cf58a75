import { toNextJsHandler } from "better-auth/next-js";

import { isPayloadTooLarge, withBufferedBody } from "@tenancy/api/request-body";
import { redactRequestPath } from "@tenancy/observability/logger";
import { annotateResponse } from "@tenancy/observability/request-annotations";

import { getRuntime } from "@/server/runtime";

const PREFIX = "/api/auth/";

/**
 * For the HTTP front's log line and metrics: the Better Auth endpoint (`auth:sign-in/email`; not for
 * a path it does not know, so the metrics stay small) and a refusal by its throttling (`auth`).
 */
function annotated(request: Request, response: Response): Response {
  // Redacted: a reset link's token is a path segment (reset-password/:token).
  const endpoint = redactRequestPath(new URL(request.url).pathname).slice(PREFIX.length);
  const known = response.status !== 404 && /^[a-z0-9:/-]{1,64}$/.test(endpoint) && !endpoint.includes("//");
  const annotations = {
    procedures: known ? [`auth:${endpoint.replace(/\/$/, "")}`] : [],
    rateLimits: response.status === 429 ? ["auth"] : [],
  };
  try {
    annotateResponse(response.headers, annotations);
    return response;
  } catch {
    // Immutable headers (a Response.redirect): the same response with a copy of them (Set-Cookie kept apart).
    const headers = new Headers(response.headers);
    annotateResponse(headers, annotations);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

// Better Auth: sign-up, sign-in, sign-out, session, email verification (POST /api/auth/sign-up/email, ...).
// Bodies over TENANCY_MAX_BODY_BYTES are refused (413) before Better Auth parses them.
const handler = toNextJsHandler(async (request: Request) => {
  const { auth, config } = await getRuntime();
  let limited: Request;
  try {
    limited = await withBufferedBody(request, config.maxBodyBytes);
  } catch (error) {
    if (!isPayloadTooLarge(error)) throw error;
    return Response.json({ code: "PAYLOAD_TOO_LARGE", message: error.message }, { status: 413 });
  }
  return annotated(request, await auth.handler(limited));
});

export const { GET, POST, PATCH, PUT, DELETE } = handler;
