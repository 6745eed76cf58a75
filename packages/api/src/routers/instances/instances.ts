import { listAuditEventsOutput } from "../../schemas/audit";
import {
  createInstanceInput,
  getInstanceOutput,
  instanceOutput,
  listInstanceAuditInput,
  listInstancesOutput,
} from "../../schemas/instances";
import { listAuditEvents } from "../../services/audit";
import { createInstance, getInstance, listInstances } from "../../services/instances";
import { authedProcedure, createTRPCRouter, instanceProcedure, userProcedure } from "../../trpc";

export const instancesRouter = createTRPCRouter({
  list: authedProcedure
    .meta({
      summary: "List the instances you administer",
      description:
        "With your instance role; an instance API token sees its own instance. Organization tokens see none.",
    })
    .output(listInstancesOutput)
    .query(({ ctx }) => listInstances(ctx.db, ctx.actor)),

  get: instanceProcedure("instance:view")
    .meta({ summary: "Get an instance", description: "With your role, permissions and counts." })
    .output(getInstanceOutput)
    .query(({ ctx }) => getInstance(ctx.db, ctx.instanceAccess)),

  audit: instanceProcedure("instance:view")
    .meta({
      summary: "List an instance's audit trail",
      description:
        "Newest first: instance members added, changed and removed, instance tokens minted and revoked, the instance created. What instance admins do to an organization is in that organization's log.",
    })
    .input(listInstanceAuditInput)
    .output(listAuditEventsOutput)
    .query(({ ctx, input }) => listAuditEvents(ctx.db, { instanceId: ctx.instanceAccess.instance.id }, input)),

  create: userProcedure
    .meta({
      summary: "Create an instance",
      description: "Owners of the default instance only; you become the new instance's owner.",
      errors: ["permission_denied"],
    })
    .input(createInstanceInput)
    .output(instanceOutput)
    .mutation(({ ctx, input }) => createInstance(ctx.db, ctx.actor, input)),
});
