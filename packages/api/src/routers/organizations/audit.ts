import { listAuditEventsInput, listAuditEventsOutput } from "../../schemas/audit";
import { listAuditEvents } from "../../services/audit";
import { createTRPCRouter, orgProcedure } from "../../trpc";

export const auditRouter = createTRPCRouter({
  list: orgProcedure("audit:view")
    .meta({ summary: "List audit events", description: "Newest first; every change writes one event." })
    .input(listAuditEventsInput)
    .output(listAuditEventsOutput)
    .query(({ ctx, input }) => listAuditEvents(ctx.db, { organizationId: ctx.access.organization.id }, input)),
});
