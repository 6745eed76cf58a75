import { handleLogoRequest } from "@tenancy/api/logo-http";

import { getRuntime } from "@/server/runtime";

// Organization logos by content hash (see handleLogoRequest for the caching and safety headers).
export async function GET(request: Request, { params }: { params: Promise<{ sha256: string }> }): Promise<Response> {
  const { database } = await getRuntime();
  return handleLogoRequest(request, database.prisma, (await params).sha256);
}

export { GET as HEAD };
