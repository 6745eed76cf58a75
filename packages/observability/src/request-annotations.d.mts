// Types for request-annotations.mjs, for TypeScript importers (the module itself is plain JavaScript).
export const REQUEST_ID_HEADER: "x-request-id";
export const ANNOTATION_HEADERS: {
  readonly procedure: "x-tenancy-procedure";
  readonly actor: "x-tenancy-actor";
  readonly rateLimit: "x-tenancy-rate-limit";
};

export interface RequestAnnotations {
  procedures?: readonly string[];
  actor?: string | null;
  rateLimits?: readonly string[];
}

export function annotateResponse(headers: { set(name: string, value: string): void }, annotations: RequestAnnotations): void;
export function takeAnnotations(res: { getHeader(name: string): unknown; removeHeader(name: string): void }): {
  procedures: string[];
  actor: string | null;
  rateLimits: string[];
};
