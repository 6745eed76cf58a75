import {
  apiTokenCreatedOutput,
  createApiTokenInput,
  listApiTokensInput,
  listApiTokensOutput,
  revokeApiTokenInput,
  revokeApiTokenOutput,
} from "../../schemas/tokens";
import { createApiToken, listApiTokens, revokeApiToken } from "../../services/apiTokens";
import { createTRPCRouter, orgProcedure } from "../../trpc";

// The built-in matrix grants tokens:manage to exactly the roles with org:manage (owner, admin),
// which is what the seed contract requires; tokens themselves lack tokens:manage.
export const tokensRouter = createTRPCRouter({
  create: orgProcedure("tokens:manage", { requireActive: true })
    .meta({
      summary: "Mint an organization API token",
      description: "The secret and the `bearer` (`<key>:<secret>`) are returned once.",
    })
    .input(createApiTokenInput)
    .output(apiTokenCreatedOutput)
    .mutation(({ ctx, input }) => createApiToken(ctx.db, ctx.actor, ctx.access, input)),

  list: orgProcedure("tokens:manage")
    .meta({ summary: "List API tokens", description: "Never shows secrets." })
    .input(listApiTokensInput)
    .output(listApiTokensOutput)
    .query(({ ctx, input }) => listApiTokens(ctx.db, ctx.access, input)),

  revoke: orgProcedure("tokens:manage")
    .meta({
      summary: "Revoke an API token",
      description: "At once. Revoking twice is a no-op.",
      errors: ["api_token_not_found"],
    })
    .input(revokeApiTokenInput)
    .output(revokeApiTokenOutput)
    .mutation(({ ctx, input }) => revokeApiToken(ctx.db, ctx.actor, ctx.access, input.id)),
});
