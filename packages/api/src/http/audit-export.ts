import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z } from "zod";

import { resolveCaller, type ApiContext } from "../context";
import { DomainError } from "../domain/errors";
import { exportAuditEventsInput } from "../schemas/audit";
import { resolveOrganizationAccess } from "../services/access";
import type { AuditEventDto } from "../schemas/audit";
import { exportAuditEvents } from "../services/audit";
import { describeError, toTRPCError } from "../trpc";

/**
 * `GET /api/audit/export?organizationId=…&format=csv|json&actor=…&actionGroup=…&actions=a,b&from=…&to=…`:
 * the organization's audit events matching the filters, newest first, as a download. Needs audit:view,
 * checked by the same resolveOrganizationAccess every org procedure uses; a session or an API token.
 */
export async function handleAuditExportRequest(
  request: Request,
  createContext: (request: Request) => Promise<ApiContext>,
): Promise<Response> {
  if (request.method !== "GET") return errorResponse(405, "method_not_allowed", "Use GET", { allow: "GET" });
  try {
    const params = new URL(request.url).searchParams;
    const raw = Object.fromEntries([...params.entries()].filter(([key]) => key !== "actions"));
    const actions = params.getAll("actions").flatMap((value) => value.split(",").filter(Boolean));
    const parsed = exportAuditEventsInput.safeParse({ ...raw, ...(actions.length > 0 ? { actions } : {}) });
    if (!parsed.success) {
      const flat = z.flattenError(parsed.error);
      return errorResponse(400, "invalid_input", "Invalid input", {}, { fieldErrors: flat.fieldErrors });
    }
    const ctx = await createContext(request);
    // The session cookie or API token is looked up now (the context only read it).
    const { actor, error } = await resolveCaller(ctx);
    if (!actor) {
      throw error ?? new DomainError("unauthenticated", "unauthenticated", "Sign in or present an API token");
    }
    const { organizationId: ref, format, ...filters } = parsed.data;
    const access = await resolveOrganizationAccess(ctx.db, actor, ref, {
      permission: "audit:view",
      requireActive: false,
    });
    const batches = exportAuditEvents(ctx.db, access.organization.id, filters);
    const stamp = new Date().toISOString().slice(0, 10);
    const filename = `audit-${access.organization.handle}-${stamp}.${format}`;
    return new Response(format === "csv" ? csvStream(batches) : jsonStream(batches), {
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    const trpcError =
      error instanceof DomainError
        ? toTRPCError(error)
        : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error instanceof Error ? error : undefined });
    if (!(error instanceof DomainError)) console.error("[audit-export] failed:", error);
    const { reason, message } = describeError(trpcError);
    return errorResponse(getHTTPStatusCodeFromError(trpcError), reason, message);
  }
}

function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Response {
  return Response.json(
    { error: { code, message, ...extra } },
    { status, headers: { "cache-control": "no-store", ...headers } },
  );
}

const CSV_COLUMNS = [
  "id",
  "time",
  "actor_type",
  "actor_id",
  "actor",
  "action",
  "target_type",
  "target_id",
  "target",
  "metadata",
] as const;

/**
 * One CSV cell. Quoted when needed; a value a spreadsheet would run as a formula (= + - @, tab,
 * carriage return first) gets a leading apostrophe, so opening an export never executes a label.
 */
export function csvCell(value: string | null | undefined): string {
  let text = value ?? "";
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(event: AuditEventDto): string {
  return [
    event.id,
    event.createdAt.toISOString(),
    event.actor.type,
    event.actor.id,
    event.actor.label,
    event.action,
    event.target?.type,
    event.target?.id,
    event.target?.label,
    event.metadata === null ? "" : JSON.stringify(event.metadata),
  ]
    .map(csvCell)
    .join(",");
}

function textStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        console.error("[audit-export] failed while streaming:", error);
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

function csvStream(batches: AsyncGenerator<AuditEventDto[]>): ReadableStream<Uint8Array> {
  return textStream(
    (async function* () {
      yield `${CSV_COLUMNS.join(",")}\r\n`;
      for await (const batch of batches) yield batch.map((event) => `${csvRow(event)}\r\n`).join("");
    })(),
  );
}

function jsonStream(batches: AsyncGenerator<AuditEventDto[]>): ReadableStream<Uint8Array> {
  return textStream(
    (async function* () {
      yield "[";
      let first = true;
      for await (const batch of batches) {
        const body = batch.map((event) => JSON.stringify(event)).join(",\n");
        yield `${first ? "\n" : ",\n"}${body}`;
        first = false;
      }
      yield first ? "]\n" : "\n]\n";
    })(),
  );
}
