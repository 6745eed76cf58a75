import { createApiTokenInput, listApiTokensInput, revokeApiTokenInput } from "../../schemas/tokens";
import { createApiToken, listApiTokens, revokeApiToken } from "../../services/apiTokens";
import { createTRPCRouter, orgProcedure } from "../../trpc";

// The built-in matrix grants tokens:manage to exactly the roles with org:manage (owner, admin),
// which is what the seed contract requires; tokens themselves lack tokens:manage.
export const tokensRouter = createTRPCRouter({
  create: orgProcedure("tokens:manage", { requireActive: true })
    .input(createApiTokenInput)
    .mutation(({ ctx, input }) => createApiToken(ctx.db, ctx.actor, ctx.access, input)),

  list: orgProcedure("tokens:manage")
    .input(listApiTokensInput)
    .query(({ ctx }) => listApiTokens(ctx.db, ctx.access)),

  revoke: orgProcedure("tokens:manage")
    .input(revokeApiTokenInput)
    .mutation(({ ctx, input }) => revokeApiToken(ctx.db, ctx.actor, ctx.access, input.id)),
});
