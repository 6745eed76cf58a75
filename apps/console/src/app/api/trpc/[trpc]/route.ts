import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

import { appRouter } from "@tenancy/api/router";

import { requestContext } from "@/server/runtime";

// The console's typed API (superjson over httpBatchLink).
function handler(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: () => requestContext(request.headers),
    responseMeta: () => ({ headers: new Headers({ "cache-control": "no-store" }) }),
  });
}

export { handler as GET, handler as POST };
