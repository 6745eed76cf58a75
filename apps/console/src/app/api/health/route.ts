import { getRuntime } from "@/server/runtime";

/** Readiness: 200 once the database answers (load balancers, scripts/with-server.mjs). */
export async function GET(): Promise<Response> {
  try {
    const { database } = await getRuntime();
    await database.prisma.$queryRaw`SELECT 1`;
    return Response.json({ ok: true, database: database.kind }, { headers: { "cache-control": "no-store" } });
  } catch {
    return Response.json({ ok: false }, { status: 503, headers: { "cache-control": "no-store" } });
  }
}
