import { TRPCClientError } from "@trpc/client";

import type { AppRouter, TenancyErrorCode } from "./generated/router.js";

/**
 * Every error a Tenancy call rejects with: `code` is the machine-readable reason (`last_owner`,
 * `email_mismatch`, `invalid_input`, ...), `status` the HTTP status, `fieldErrors` the messages by
 * input field for `invalid_input`. Network failures have `code` `network_error` and `status` 0.
 */
export class TenancyError extends TRPCClientError<AppRouter> {
  readonly code: TenancyErrorCode | "network_error";
  readonly status: number;
  readonly fieldErrors: Record<string, string[] | undefined>;
  readonly details: Record<string, unknown> | null;

  constructor(error: TRPCClientError<AppRouter>) {
    super(error.message, { cause: error, result: error.shape ? { error: error.shape } : undefined, meta: error.meta });
    // TRPCClientError's constructor pins its own prototype: restore ours so `instanceof TenancyError` holds.
    Object.setPrototypeOf(this, TenancyError.prototype);
    this.name = "TenancyError";
    const data = error.data;
    this.code = (data?.reason as TenancyErrorCode | undefined) ?? "network_error";
    this.status = data?.httpStatus ?? 0;
    this.fieldErrors = data?.fieldErrors ?? {};
    this.details = data?.details ?? null;
  }

  static fromUnknown(cause: unknown): TenancyError {
    if (cause instanceof TenancyError) return cause;
    return new TenancyError(TRPCClientError.from<AppRouter>(cause instanceof Error ? cause : new Error(String(cause))));
  }
}

export function isTenancyError(error: unknown): error is TenancyError {
  return error instanceof TenancyError;
}
