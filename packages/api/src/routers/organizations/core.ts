import { roleMatrix } from "../../domain/permissions";
import {
  createOrganizationInput,
  deleteOrganizationInput,
  getOrganizationInput,
  handleAvailabilityInput,
  listOrganizationsInput,
  updateOrganizationInput,
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
    .input(createOrganizationInput)
    .mutation(({ ctx, input }) => createOrganization(ctx.db, ctx.actor, input)),

  get: orgProcedure("org:view")
    .input(getOrganizationInput)
    .query(({ ctx }) => getOrganization(ctx.db, ctx.access)),

  list: authedProcedure
    .input(listOrganizationsInput)
    .query(({ ctx, input }) => listOrganizations(ctx.db, ctx.actor, { activeOnly: input?.activeOnly })),

  update: orgProcedure("org:manage")
    .input(updateOrganizationInput)
    .mutation(({ ctx, input }) => {
      const { organizationId: _ref, ...changes } = input;
      return updateOrganization(ctx.db, ctx.actor, ctx.access, changes);
    }),

  delete: orgProcedure("org:delete")
    .input(deleteOrganizationInput)
    .mutation(({ ctx }) => deleteOrganization(ctx.db, ctx.actor, ctx.access)),

  roles: publicProcedure.query(() => roleMatrix()),

  handleAvailability: userProcedure
    .input(handleAvailabilityInput)
    .query(({ ctx, input }) => checkHandleAvailability(ctx.db, input.handle)),
};
