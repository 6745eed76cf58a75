import type { IncomingMessage } from "node:http";

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
export function mediaTypeOf(headers: Pick<Headers, "get">): string | null {
  const value = headers.get("content-type");
  if (value === null) return null;
  return value.split(";", 1)[0]!.trim().toLowerCase();
}

export const isJsonMediaType = (headers: Headers) => mediaTypeOf(headers) === "application/json";

/** Refuses (413) a body whose Content-Length already says it is over the limit, before reading any of it. */
function refuseDeclaredOversize(contentLength: string | null | undefined, maxBytes: number): void {
  const declared = Number(contentLength);
  if (Number.isFinite(declared) && declared > maxBytes) throw payloadTooLarge(maxBytes);
}

/**
 * The body's bytes, refusing (413) one that declares, or turns out to have, more than `maxBytes`:
 * reading stops at the limit, so an oversized body is never held in memory.
 */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  refuseDeclaredOversize(request.headers.get("content-length"), maxBytes);
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

/**
 * readBodyText for a node:http request read in place (the HTTP front): the same limit, the same
 * refusal. Past the limit the rest of the body is discarded unread, so the 413 can still be answered
 * on the connection.
 */
export async function readNodeBodyText(req: IncomingMessage, maxBytes: number): Promise<string> {
  refuseDeclaredOversize(req.headers["content-length"], maxBytes);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        stop();
        req.resume();
        reject(payloadTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      // As readBodyText's TextDecoder: invalid UTF-8 becomes U+FFFD and a leading BOM is dropped.
      const text = chunks.length === 0 ? "" : Buffer.concat(chunks, size).toString("utf8");
      resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
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
