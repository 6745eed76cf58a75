import { toNextJsHandler } from "better-auth/next-js";

import { isPayloadTooLarge, withBufferedBody } from "@tenancy/api/request-body";

import { getRuntime } from "@/server/runtime";

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
  return auth.handler(limited);
});

export const { GET, POST, PATCH, PUT, DELETE } = handler;
