import {
  createInstanceTokenInput,
  instanceTokenCreatedOutput,
  listInstanceTokensOutput,
  revokeInstanceTokenInput,
  revokeOutput,
} from "../../schemas/instances";
import { createInstanceToken, listInstanceTokens, revokeInstanceToken } from "../../services/instanceTokens";
import { createTRPCRouter, instanceProcedure } from "../../trpc";

// instance:tokens is an owner's and admin's; instance tokens lack it (a leaked token cannot mint more).
export const instanceTokensRouter = createTRPCRouter({
  create: instanceProcedure("instance:tokens")
    .meta({
      summary: "Mint an instance API token",
      description:
        "With at least one scope (e.g. `instanceOrgInvites.*`). The secret and the `bearer` (`<key>:<secret>`) are returned once.",
    })
    .input(createInstanceTokenInput)
    .output(instanceTokenCreatedOutput)
    .mutation(({ ctx, input }) => createInstanceToken(ctx.db, ctx.actor, ctx.instanceAccess, input)),

  list: instanceProcedure("instance:tokens")
    .meta({ summary: "List instance API tokens", description: "Never shows secrets." })
    .output(listInstanceTokensOutput)
    .query(({ ctx }) => listInstanceTokens(ctx.db, ctx.instanceAccess)),

  revoke: instanceProcedure("instance:tokens")
    .meta({
      summary: "Revoke an instance API token",
      description: "At once; idempotent.",
      errors: ["api_token_not_found"],
    })
    .input(revokeInstanceTokenInput)
    .output(revokeOutput)
    .mutation(({ ctx, input }) => revokeInstanceToken(ctx.db, ctx.actor, ctx.instanceAccess, input.id)),
});
