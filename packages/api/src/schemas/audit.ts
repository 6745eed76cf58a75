import { z } from "zod";

import { AUDIT_ACTION_GROUP_NAMES, AUDIT_ACTIONS } from "../domain/audit-actions";
import { cursor, id, limit, nextCursor, orgScoped, timestamp } from "./common";

/** The audit log's filters: who (part of the actor's email or token name), what (actions or a group of them) and when. */
export const auditFilterShape = {
  actor: z
    .string()
    .trim()
    .max(200, "At most 200 characters")
    .optional()
    .describe("Part of the actor's label (a user's email, a token's name or key), case-insensitive."),
  actions: z
    .array(z.enum(AUDIT_ACTIONS))
    .max(AUDIT_ACTIONS.length)
    .optional()
    .describe('Exact actions, e.g. ["member.added"].'),
  actionGroup: z
    .enum(AUDIT_ACTION_GROUP_NAMES)
    .optional()
    .describe('Every action of a group, e.g. "member" (combined with `actions` as either-or).'),
  from: z.coerce.date({ error: "Enter a valid date and time" }).optional().describe("Events at or after this instant."),
  to: z.coerce.date({ error: "Enter a valid date and time" }).optional().describe("Events before this instant."),
};

const rangeInOrder = (filters: { from?: Date; to?: Date }) => !filters.from || !filters.to || filters.from < filters.to;
const rangeError = { message: "The end must be after the start", path: ["to"] };

export const listAuditEventsInput = orgScoped
  .extend({ cursor, limit, ...auditFilterShape })
  .refine(rangeInOrder, rangeError);

/** The export (CSV or JSON) takes the same filters as the list, without paging. */
export const exportAuditEventsInput = orgScoped
  .extend({ ...auditFilterShape, format: z.enum(["csv", "json"]).default("csv") })
  .refine(rangeInOrder, rangeError);

export type AuditFilters = z.infer<z.ZodObject<typeof auditFilterShape>>;

export const auditMetadata = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]),
);

export const auditEvent = z.object({
  id: z.string().describe("Increasing: newer events have larger ids."),
  action: z.string().describe('e.g. "member.added", "organization.updated".'),
  actor: z
    .object({ type: z.enum(["user", "token", "instance_token", "deployment"]), id, label: z.string() })
    .describe(
      "`token`: an organization API token; `instance_token`: an instance API token; `deployment`: a deployment activating with its license key. An instance administrator acting on an organization is a `user` with `metadata.instanceRole` (and `metadata.instanceId`) saying on what authority.",
    ),
  target: z.object({ type: z.string(), id: z.string(), label: z.string().nullable() }).nullable(),
  metadata: auditMetadata.nullable(),
  createdAt: timestamp,
});

export const listAuditEventsOutput = z.object({ events: z.array(auditEvent), nextCursor });

export type AuditEventDto = z.output<typeof auditEvent>;
export type AuditMetadata = z.output<typeof auditMetadata>;
