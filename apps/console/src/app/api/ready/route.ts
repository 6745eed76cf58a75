import { readiness } from "@/server/readiness";

// Readiness for load balancers and people: 200 when this instance can take traffic, else 503 with
// the failing checks. The HTTP front answers 503 itself while the server stops, and /api/health.
export async function GET(): Promise<Response> {
  const result = await readiness();
  return Response.json(result, {
    status: result.status === "ready" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
