import {
  createInstanceOrgInput,
  createInstanceOrgOutput,
  getInstanceOrgInput,
  getInstanceOrgOutput,
  listInstanceOrgsInput,
  listInstanceOrgsOutput,
  setInstanceOrgActiveInput,
  setInstanceOrgActiveOutput,
} from "../../schemas/instances";
import {
  createInstanceOrganization,
  getInstanceOrganization,
  listInstanceOrganizations,
  setInstanceOrganizationActive,
} from "../../services/instanceOrgs";
import { createTRPCRouter, instanceProcedure } from "../../trpc";

export const instanceOrgsRouter = createTRPCRouter({
  list: instanceProcedure("instance:view")
    .meta({
      summary: "List an instance's organizations",
      description: "By name, with member counts, the active flag and the license; search by name or handle.",
    })
    .input(listInstanceOrgsInput)
    .output(listInstanceOrgsOutput)
    .query(({ ctx, input }) => listInstanceOrganizations(ctx.db, ctx.instanceAccess, input)),

  get: instanceProcedure("instance:view")
    .meta({
      summary: "Get an organization of the instance",
      description: "Read-only: its summary, its first 100 members and its pending invitations.",
      errors: ["organization_not_found"],
    })
    .input(getInstanceOrgInput)
    .output(getInstanceOrgOutput)
    .query(({ ctx, input }) => getInstanceOrganization(ctx.db, ctx.instanceAccess, input.orgId)),

  create: instanceProcedure("instance:manage")
    .meta({
      summary: "Create an organization on behalf of a user",
      description:
        "In this instance. A user with `ownerEmail` (verified) becomes its owner; anyone else is emailed an owner invitation. You do not become a member; the organization's log names you with your instance role.",
      errors: ["handle_taken", "handle_invalid", "handle_reserved", "seat_limit_reached"],
    })
    .input(createInstanceOrgInput)
    .output(createInstanceOrgOutput)
    .mutation(({ ctx, input }) => {
      const { instanceId: _instance, ...rest } = input;
      return createInstanceOrganization(ctx.db, ctx.config, ctx.actor, ctx.instanceAccess, rest);
    }),

  setActive: instanceProcedure("instance:manage")
    .meta({
      summary: "Deactivate or reactivate an organization",
      description:
        "An inactive organization is read-only and its API tokens stop working. Audited in the organization's log with your instance role.",
      errors: ["organization_not_found"],
    })
    .input(setInstanceOrgActiveInput)
    .output(setInstanceOrgActiveOutput)
    .mutation(({ ctx, input }) =>
      setInstanceOrganizationActive(ctx.db, ctx.actor, ctx.instanceAccess, input.orgId, input.active),
    ),
});
