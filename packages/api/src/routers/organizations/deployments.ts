import { LICENSING_PERMISSIONS } from "../../domain/licensing";
import {
  deactivateDeploymentInput,
  deactivateDeploymentOutput,
  listOrganizationDeploymentsInput,
  listOrganizationDeploymentsOutput,
} from "../../schemas/licensing";
import { deactivateDeployment, listOrganizationDeployments } from "../../services/deployments";
import { createTRPCRouter, orgProcedure } from "../../trpc";

// The deployments of the organization's license (the seed's GET /organizations/{org_id}/deployments).
export const organizationDeploymentsRouter = createTRPCRouter({
  list: orgProcedure(LICENSING_PERMISSIONS.view)
    .meta({
      summary: "List the organization's deployments",
      description: "The deployments of its license (none without one), with status and last seen; newest first.",
    })
    .input(listOrganizationDeploymentsInput)
    .output(listOrganizationDeploymentsOutput)
    .query(({ ctx }) => listOrganizationDeployments(ctx.db, ctx.config, ctx.access)),

  deactivate: orgProcedure(LICENSING_PERMISSIONS.manageDeployments)
    .meta({
      summary: "Deactivate a deployment",
      description: "Frees its slot at once; its token stops working. Idempotent.",
      errors: ["deployment_not_found"],
    })
    .input(deactivateDeploymentInput)
    .output(deactivateDeploymentOutput)
    .mutation(({ ctx, input }) => deactivateDeployment(ctx.db, ctx.config, ctx.actor, ctx.access, input.id)),
});
