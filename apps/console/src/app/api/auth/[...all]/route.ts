import { toNextJsHandler } from "better-auth/next-js";

import { getRuntime } from "@/server/runtime";

// Better Auth: sign-up, sign-in, sign-out, session (POST /api/auth/sign-up/email, ...).
const handler = toNextJsHandler(async (request: Request) => (await getRuntime()).auth.handler(request));

export const { GET, POST, PATCH, PUT, DELETE } = handler;
