import { handleTrpcRequest } from "@tenancy/api/trpc-http";

import { getRuntime, requestContext } from "@/server/runtime";

// The console's typed API (superjson over httpBatchLink).
async function handler(request: Request): Promise<Response> {
  const { config } = await getRuntime();
  return handleTrpcRequest(request, {
    endpoint: "/api/trpc",
    maxBodyBytes: config.maxBodyBytes,
    createContext: (req) => requestContext(req.headers, { transport: true }),
  });
}

export { handler as GET, handler as POST };
