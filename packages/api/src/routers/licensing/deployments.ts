import {
  activateDeploymentInput,
  activateDeploymentOutput,
  heartbeatInput,
  heartbeatOutput,
} from "../../schemas/licensing";
import { activateDeployment, recordHeartbeat } from "../../services/deployments";
import { createTRPCRouter, publicProcedureLimitedPerIp } from "../../trpc";

// Called by the customer's product, not by a user: the license key (then the deployment token) is the credential.
export const deploymentsRouter = createTRPCRouter({
  activate: publicProcedureLimitedPerIp("activatePerIp")
    .meta({
      summary: "Activate a deployment",
      description:
        "With the license key. The same `fingerprint` again is the same deployment (with a new token). Returns the deployment token once, and where the license stands.",
      errors: [
        "license_key_invalid",
        "license_not_found",
        "license_revoked",
        "deployment_limit_reached",
        "rate_limited",
      ],
    })
    .input(activateDeploymentInput)
    .output(activateDeploymentOutput)
    .mutation(({ ctx, input }) => activateDeployment(ctx.db, ctx.config, input)),

  heartbeat: publicProcedureLimitedPerIp("heartbeatPerIp")
    .meta({
      summary: "Report a deployment alive",
      description:
        "With its deployment token. Records last seen; answers the license's status (a deployment that calls home learns of a revocation). One silent past the server's window must find a free slot again.",
      errors: ["deployment_token_invalid", "deployment_deactivated", "deployment_limit_reached", "rate_limited"],
    })
    .input(heartbeatInput)
    .output(heartbeatOutput)
    .mutation(({ ctx, input }) => recordHeartbeat(ctx.db, ctx.config, input)),
});
