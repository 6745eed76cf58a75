import { handleV1Request } from "@tenancy/api/http";

import { getRuntime, requestContext } from "@/server/runtime";

// The plain-JSON HTTP API: POST /v1/organizations/<kebab-path>. Other methods get the handler's 405,
// and unknown /v1 paths its JSON 404.
async function handler(request: Request): Promise<Response> {
  const { config } = await getRuntime();
  return handleV1Request(request, (req) => requestContext(req.headers, { transport: true }), {
    maxBodyBytes: config.maxBodyBytes,
  });
}

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
