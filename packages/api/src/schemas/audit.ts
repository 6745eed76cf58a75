import { z } from "zod";

import { cursor, id, limit, nextCursor, orgScoped, timestamp } from "./common";

export const listAuditEventsInput = orgScoped.extend({ cursor, limit });

export const auditMetadata = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const auditEvent = z.object({
  id: z.string().describe("Increasing: newer events have larger ids."),
  action: z.string().describe('e.g. "member.added", "organization.updated".'),
  actor: z
    .object({ type: z.enum(["user", "token", "deployment"]), id, label: z.string() })
    .describe("`deployment`: a deployment activating with its license key."),
  target: z.object({ type: z.string(), id: z.string(), label: z.string().nullable() }).nullable(),
  metadata: auditMetadata.nullable(),
  createdAt: timestamp,
});

export const listAuditEventsOutput = z.object({ events: z.array(auditEvent), nextCursor });

export type AuditEventDto = z.output<typeof auditEvent>;
export type AuditMetadata = z.output<typeof auditMetadata>;
