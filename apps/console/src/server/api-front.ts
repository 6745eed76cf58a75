import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import zlib from "node:zlib";

import { answerV1Call, type V1Answer } from "@tenancy/api/http";
import { readNodeBodyText } from "@tenancy/api/request-body";
import { nodeRequestHeaders } from "@tenancy/api/request-headers";
import { handleTrpcRequest } from "@tenancy/api/trpc-http";

import { getRuntime, requestContext } from "./runtime";

/**
 * The API endpoints served straight from the HTTP front (server.mjs), without Next's routing: the
 * same handlers as the route files app/v1/[...path]/route.ts and app/api/trpc/[trpc]/route.ts, with
 * the same context (client address from the front, cross-site refusal, body limit). Next in front
 * of them cost about 1 ms of CPU per request (issue 12). What they would not answer the same way
 * (HEAD and OPTIONS, which Next derives; trailing slashes, which Next redirects; odd paths) still
 * goes to Next, so every answer stays what it was.
 */
export type ApiEndpoint = "v1" | "trpc";

// Methods the route files export: Next answers the others itself (405, or HEAD/OPTIONS it derives).
const V1_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);
const TRPC_METHODS = new Set(["GET", "POST"]);
// An origin-form path of non-empty segments without a trailing slash, dot segments or backslashes.
const PLAIN_PATH = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9\-._~!$&'()*+,;=:@%]+)+$/;

/** Which API endpoint serves this request from the front; null: Next does, as it always has. */
export function apiEndpointOf(method: string | undefined, url: string | undefined): ApiEndpoint | null {
  if (!method || !url) return null;
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  if (path.startsWith("/v1/")) return V1_METHODS.has(method) && PLAIN_PATH.test(path) ? "v1" : null;
  // One segment after /api/trpc/, as [trpc] matches.
  if (path.startsWith("/api/trpc/") && path.indexOf("/", 10) === -1) {
    return TRPC_METHODS.has(method) && PLAIN_PATH.test(path) ? "trpc" : null;
  }
  return null;
}

function requestOf(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const method = req.method!;
  const hasBody = method !== "GET" && method !== "HEAD";
  // The handlers read only the path and query of the URL; the host is not trusted for anything.
  return new Request(`http://localhost${req.url}`, {
    method,
    headers,
    signal,
    ...(hasBody ? { body: req as unknown as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
}

// As Next's compression (the `compression` package) does for these responses: gzip (or deflate)
// when the client accepts it and the body is worth it; `Vary: Accept-Encoding` on every JSON answer.
const COMPRESSION_THRESHOLD = 1024;
const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);

/** gzip when the client accepts it (q > 0), else deflate, else null: the `compression` package's preference. */
export function negotiateEncoding(header: string | undefined): "gzip" | "deflate" | null {
  if (!header) return null;
  const accepted = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const quality = q ? Number.parseFloat(q.slice(2)) : 1;
    accepted.set(name.trim().toLowerCase(), Number.isNaN(quality) ? 0 : quality);
  }
  const qualityOf = (encoding: string) => accepted.get(encoding) ?? accepted.get("*") ?? 0;
  if (qualityOf("gzip") > 0) return "gzip";
  return qualityOf("deflate") > 0 ? "deflate" : null;
}

/** The response headers of a fetch Response, Set-Cookie lines apart. */
function headersOf(response: Response): { headers: Record<string, string>; setCookies: string[] } {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  return { headers, setCookies: response.headers.getSetCookie() };
}

async function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  answered: { headers: Record<string, string>; setCookies: readonly string[] },
  content: Buffer | string,
): Promise<void> {
  let body = typeof content === "string" ? Buffer.from(content) : content;
  const headers: Record<string, string | string[]> = { ...answered.headers };
  if (answered.setCookies.length > 0) headers["set-cookie"] = [...answered.setCookies];
  const type = headers["content-type"];
  if (typeof type === "string" && /^(application\/json|text\/)/i.test(type)) {
    headers.vary = headers.vary ? `${String(headers.vary)}, Accept-Encoding` : "Accept-Encoding";
    const encoding =
      body.byteLength >= COMPRESSION_THRESHOLD ? negotiateEncoding(req.headers["accept-encoding"]) : null;
    const transformable = !/(?:^|,)\s*no-transform\s*(?:,|$)/.test(String(headers["cache-control"] ?? ""));
    if (encoding && transformable) {
      body = await (encoding === "gzip" ? gzip(body) : deflate(body));
      headers["content-encoding"] = encoding;
    }
  }
  headers["content-length"] = String(body.byteLength);
  res.writeHead(status, headers);
  res.end(body);
}

/** Answers one API request from the front (see apiEndpointOf). */
export async function serveApiRequest(endpoint: ApiEndpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { config } = await getRuntime();
  if (endpoint === "v1") {
    // Read in place: no fetch Request or Response is built (they cost ~0.1 ms of CPU per call).
    const headers = nodeRequestHeaders(req.headers);
    const answer: V1Answer = await answerV1Call(
      {
        method: req.method!,
        url: req.url!,
        headers,
        readBody: (maxBytes) => readNodeBodyText(req, maxBytes),
      },
      // Better Auth's session cookies (a refresh) are sent by us here: nextCookies only works inside Next.
      () => requestContext(headers, { transport: true, collectSetCookies: true }),
      { maxBodyBytes: config.maxBodyBytes },
    );
    return send(req, res, answer.status, answer, answer.body);
  }
  const aborted = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) aborted.abort();
  });
  const request = requestOf(req, aborted.signal);
  const response = await handleTrpcRequest(request, {
    endpoint: "/api/trpc",
    maxBodyBytes: config.maxBodyBytes,
    createContext: (r: Request) => requestContext(r.headers, { transport: true, collectSetCookies: true }),
  });
  return send(req, res, response.status, headersOf(response), Buffer.from(await response.arrayBuffer()));
}
