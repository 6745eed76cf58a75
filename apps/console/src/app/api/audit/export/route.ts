import { handleAuditExportRequest } from "@tenancy/api/audit-export";

import { requestContext } from "@/server/runtime";

// The audit log as a CSV or JSON download (GET, with the audit log's filters in the query string).
export function GET(request: Request): Promise<Response> {
  // A download the console links to: refused, like the API, when another site triggers it with the cookie.
  return handleAuditExportRequest(request, (req) => requestContext(req.headers, { transport: true }));
}
