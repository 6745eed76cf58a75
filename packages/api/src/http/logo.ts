import type { DbClient } from "@tenancy/db/client";

import { readLogo } from "../services/logos";

/**
 * `GET /api/logos/<sha256>`: an organization's logo. The URL names the content, so it never
 * changes: cached for a year as immutable, with the hash as a strong ETag (a 304 for a matching
 * If-None-Match). Public on purpose (invitation emails and the accept page show it to people who
 * are not signed in); the hash is unguessable, and nothing else about the organization is revealed.
 * The type is the one sniffed at upload; nosniff and a sandboxing CSP keep it an image.
 */
export async function handleLogoRequest(request: Request, db: DbClient, sha256: string): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response(null, { status: 405, headers: { allow: "GET, HEAD" } });
  }
  const logo = await readLogo(db, sha256.toLowerCase());
  if (!logo) {
    return new Response("Not found", {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
  const etag = `"${logo.sha256}"`;
  const headers: Record<string, string> = {
    etag,
    "cache-control": "public, max-age=31536000, immutable",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    // Widgets on other origins and email clients load it.
    "cross-origin-resource-policy": "cross-origin",
  };
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(request.method === "HEAD" ? null : new Uint8Array(logo.bytes), {
    status: 200,
    headers: { ...headers, "content-type": logo.contentType, "content-length": String(logo.bytes.length) },
  });
}
