import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

import { annotateResponse } from "@tenancy/observability/request-annotations";

import type { ApiContext } from "../context";
import { appRouter } from "../root";
import { asTRPCError } from "../trpc";
import { actorTypeOf, knownProcedures, rateLimitsOf } from "./annotations";
import { MAX_BATCH_CALLS } from "./limits";
import { isJsonMediaType, unsupportedMediaType, withBufferedBody, withoutBody } from "./request-body";

export interface TrpcRequestOptions {
  /** Where the router is mounted, e.g. "/api/trpc". */
  endpoint: string;
  maxBodyBytes: number;
  /** The API context of a request (refusing cross-site cookie requests: see createRequestContext). */
  createContext: (request: Request) => Promise<ApiContext>;
}

/**
 * The tRPC transport (what the console and widgets use). Bodies are JSON only (415) and at most
 * `maxBodyBytes` (413), batches at most MAX_BATCH_CALLS calls (413): every refusal happens before
 * any procedure runs, through the context, so it is answered in tRPC's own error shape.
 */
export async function handleTrpcRequest(request: Request, options: TrpcRequestOptions): Promise<Response> {
  let refusal: TRPCError | null = null;
  let req = request;
  if (request.method !== "GET" && request.method !== "HEAD" && !isJsonMediaType(request.headers)) {
    refusal = unsupportedMediaType();
    req = withoutBody(request);
  } else {
    try {
      req = await withBufferedBody(request, options.maxBodyBytes);
    } catch (error) {
      refusal = asTRPCError(error);
      req = withoutBody(request);
    }
  }
  return fetchRequestHandler({
    endpoint: options.endpoint,
    req,
    router: appRouter,
    createContext: async ({ info }) => {
      if (refusal) throw refusal;
      if (info.calls.length > MAX_BATCH_CALLS) {
        throw new TRPCError({
          code: "PAYLOAD_TOO_LARGE",
          message: `A batch may hold at most ${MAX_BATCH_CALLS} calls`,
        });
      }
      try {
        return await options.createContext(req);
      } catch (error) {
        throw asTRPCError(error);
      }
    },
    responseMeta: ({ ctx, info, errors }) => {
      const headers = new Headers({ "cache-control": "no-store" });
      // Better Auth's answer about the session (a refreshed or cleared cookie) goes out with the response.
      for (const line of ctx?.setCookies ?? []) headers.append("set-cookie", line);
      // For the HTTP front's log line and metrics (it removes these headers).
      annotateResponse(headers, {
        procedures: knownProcedures(info?.calls.map((call) => call.path)),
        actor: actorTypeOf(ctx),
        rateLimits: rateLimitsOf(errors),
      });
      return { headers };
    },
  });
}
