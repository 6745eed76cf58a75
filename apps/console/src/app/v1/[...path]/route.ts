import { handleV1Request } from "@tenancy/api/http";

import { requestContext } from "@/server/runtime";

// The plain-JSON HTTP API: POST /v1/organizations/<kebab-path>. Other methods get the handler's 405,
// and unknown /v1 paths its JSON 404.
function handler(request: Request): Promise<Response> {
  return handleV1Request(request, (req) => requestContext(req.headers));
}

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
