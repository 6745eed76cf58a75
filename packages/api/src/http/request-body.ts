import { TRPCError } from "@trpc/server";

/**
 * What the HTTP transports (/v1, /api/trpc, /api/auth) accept as a request body: JSON only, and no
 * more than the configured size, refused before anything parses it (or a multi-megabyte body from
 * anyone would be read and parsed before authentication).
 */

export const payloadTooLarge = (maxBytes: number) =>
  new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: `The request body is larger than ${maxBytes} bytes` });

export const isPayloadTooLarge = (error: unknown): error is TRPCError =>
  error instanceof TRPCError && error.code === "PAYLOAD_TOO_LARGE";

export const unsupportedMediaType = () =>
  new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message: "Send the request body as application/json" });

/** The media type of the Content-Type header (lower case, without parameters); null when absent. */
export function mediaTypeOf(headers: Headers): string | null {
  const value = headers.get("content-type");
  if (value === null) return null;
  return value.split(";", 1)[0]!.trim().toLowerCase();
}

export const isJsonMediaType = (headers: Headers) => mediaTypeOf(headers) === "application/json";

/**
 * The body's bytes, refusing (413) one that declares, or turns out to have, more than `maxBytes`:
 * reading stops at the limit, so an oversized body is never held in memory.
 */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw payloadTooLarge(maxBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(request, maxBytes));
}

/** The same request with its body read into memory within the limit (GET and HEAD pass as they are). */
export async function withBufferedBody(request: Request, maxBytes: number): Promise<Request> {
  if (request.method === "GET" || request.method === "HEAD") return request;
  const body = await readBodyBytes(request, maxBytes);
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: body.byteLength > 0 ? body : null,
    signal: request.signal,
  });
}

/** The same request without its body, for answering it with an error that needs no input. */
export function withoutBody(request: Request): Request {
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  headers.delete("transfer-encoding");
  return new Request(request.url, { method: request.method, headers, signal: request.signal });
}
