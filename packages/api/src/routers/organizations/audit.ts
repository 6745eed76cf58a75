import { listAuditEventsInput } from "../../schemas/audit";
import { listAuditEvents } from "../../services/audit";
import { createTRPCRouter, orgProcedure } from "../../trpc";

export const auditRouter = createTRPCRouter({
  list: orgProcedure("audit:view")
    .input(listAuditEventsInput)
    .query(({ ctx, input }) => listAuditEvents(ctx.db, ctx.access.organization.id, input)),
});
