import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";
import superjson from "superjson";

import { appRouter, createCaller } from "@tenancy/api/router";

import { requestContext, sessionUser } from "./runtime";

/** One QueryClient per request: server components prefetch into it, then hand it to the browser. */
export const getQueryClient = cache(
  () =>
    new QueryClient({
      defaultOptions: {
        queries: { staleTime: 30_000 },
        // The browser's client (TenancyProvider) deserializes with superjson too.
        dehydrate: { serializeData: superjson.serialize },
      },
    }),
);

/**
 * The API context of the current page request (its session cookie), built once per request. Not an
 * API transport: a page may be opened from a link on another site, so no cross-site refusal here.
 */
export const getRequestContext = cache(async () => requestContext(new Headers(await headers()), { transport: false }));

/** The signed-in user of the current request, or null. */
export const getSession = cache(async () => sessionUser(new Headers(await headers())));

/** tRPC query options on the server, calling the router in-process: `queryClient.fetchQuery(trpc.x.queryOptions(...))`. */
export const trpc = createTRPCOptionsProxy({ ctx: getRequestContext, router: appRouter, queryClient: getQueryClient });

/** Direct calls from server components. */
export const getCaller = cache(async () => createCaller(await getRequestContext()));

/** Sends what was prefetched on the server to the widgets' query cache in the browser. */
export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
