// Types for api-front.mjs: what the app lends the front (see src/server/api-front.ts).
import type { IncomingMessage, ServerResponse } from "node:http";

export type ApiEndpoint = "v1" | "trpc";

export interface ApiFront {
  /** The API endpoint that serves this request from the front, or null: Next serves it. */
  endpointOf(method: string | undefined, url: string | undefined): ApiEndpoint | null;
  serve(endpoint: ApiEndpoint, req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export function publishApiFront(front: ApiFront): void;
export function apiFront(): ApiFront | undefined;
