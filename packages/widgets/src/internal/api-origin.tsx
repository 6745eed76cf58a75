"use client";

import { useTenancyBasePath } from "../provider";

/**
 * Where the Tenancy server answers `/v1/...`, as an absolute URL for copy-paste examples:
 * the provider's basePath resolved against this page ("" → this origin). Client-only (reads window).
 */
export function useApiBaseUrl(): string {
  const basePath = useTenancyBasePath();
  if (typeof window === "undefined") return basePath.replace(/\/+$/, "");
  return new URL(basePath || "/", window.location.origin).toString().replace(/\/+$/, "");
}
