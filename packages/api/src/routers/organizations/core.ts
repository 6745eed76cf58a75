import { roleMatrix } from "../../domain/permissions";
import { okOutput } from "../../schemas/common";
import {
  createOrganizationInput,
  deleteOrganizationInput,
  getOrganizationInput,
  getOrganizationOutput,
  handleAvailabilityInput,
  handleAvailabilityOutput,
  listOrganizationsInput,
  listOrganizationsOutput,
  organizationOutput,
  roleMatrixOutput,
  updateOrganizationInput,
  updateOrganizationOutput,
} from "../../schemas/organizations";
import {
  checkHandleAvailability,
  createOrganization,
  deleteOrganization,
  getOrganization,
  listOrganizations,
  updateOrganization,
} from "../../services/organizations";
import { authedProcedure, orgProcedure, publicProcedure, userProcedure } from "../../trpc";

// Procedures on the organization itself; merged into organizationsRouter alongside the sub-routers.
export const organizationCoreProcedures = {
  create: userProcedure
    .meta({
      summary: "Create an organization",
      description: "The caller becomes its first `owner`. The handle is derived from the name when absent.",
      errors: ["handle_taken", "handle_invalid", "handle_reserved"],
    })
    .input(createOrganizationInput)
    .output(organizationOutput)
    .mutation(({ ctx, input }) => createOrganization(ctx.db, ctx.actor, input)),

  get: orgProcedure("org:view")
    .meta({ summary: "Get an organization", description: "With your role, your permissions and the member count." })
    .input(getOrganizationInput)
    .output(getOrganizationOutput)
    .query(({ ctx }) => getOrganization(ctx.access)),

  list: authedProcedure
    .meta({
      summary: "List your organizations",
      description: "With your role in each. An API token sees its own organization.",
      errors: ["organization_inactive"],
    })
    .input(listOrganizationsInput)
    .output(listOrganizationsOutput)
    .query(({ ctx, input }) => listOrganizations(ctx.db, ctx.actor, { activeOnly: input?.activeOnly })),

  update: orgProcedure("org:manage")
    .meta({
      summary: "Update an organization",
      description: "Only the fields present change. `active: false` makes the organization read-only.",
      errors: ["handle_taken", "handle_invalid", "handle_reserved"],
    })
    .input(updateOrganizationInput)
    .output(updateOrganizationOutput)
    .mutation(({ ctx, input }) => {
      const { organizationId: _ref, ...changes } = input;
      return updateOrganization(ctx.db, ctx.actor, ctx.access, changes);
    }),

  delete: orgProcedure("org:delete")
    .meta({
      summary: "Delete an organization",
      description: "Members, invitations, join codes and API tokens go with it; its tokens stop working at once.",
    })
    .input(deleteOrganizationInput)
    .output(okOutput)
    .mutation(({ ctx }) => deleteOrganization(ctx.db, ctx.actor, ctx.access)),

  roles: publicProcedure
    .meta({ summary: "The role → permission matrix" })
    .output(roleMatrixOutput)
    .query(() => roleMatrix()),

  handleAvailability: userProcedure
    .meta({ summary: "Check whether a handle is free", description: "For live checks while typing." })
    .input(handleAvailabilityInput)
    .output(handleAvailabilityOutput)
    .query(({ ctx, input }) => checkHandleAvailability(ctx.db, input.handle)),
};
