import {
  createUserTokenInput,
  listUserTokensOutput,
  revokeUserTokenInput,
  revokeUserTokenOutput,
  userTokenCreatedOutput,
} from "../../schemas/userTokens";
import { createUserToken, listUserTokens, revokeUserToken } from "../../services/userTokens";
import { createTRPCRouter, sessionProcedure, userProcedure } from "../../trpc";

// Personal access tokens: `Authorization: Bearer tnc_user_…:<secret>` acts as the user, like the
// session cookie, but cannot mint more of itself (sessionProcedure) nor change the password (Better
// Auth's endpoints take the session cookie only).
export const userTokensRouter = createTRPCRouter({
  create: sessionProcedure
    .meta({
      summary: "Mint a personal access token",
      description:
        "It authenticates as you on every user-level procedure (list your organizations, create one, accept an invitation, ...). The secret and the `bearer` are returned once. Needs the session cookie.",
    })
    .input(createUserTokenInput)
    .output(userTokenCreatedOutput)
    .mutation(({ ctx, input }) => createUserToken(ctx.db, ctx.actor, input)),

  list: userProcedure
    .meta({ summary: "List your personal access tokens", description: "Never shows secrets." })
    .output(listUserTokensOutput)
    .query(({ ctx }) => listUserTokens(ctx.db, ctx.actor)),

  revoke: userProcedure
    .meta({
      summary: "Revoke a personal access token",
      description: "At once; idempotent.",
      errors: ["api_token_not_found"],
    })
    .input(revokeUserTokenInput)
    .output(revokeUserTokenOutput)
    .mutation(({ ctx, input }) => revokeUserToken(ctx.db, ctx.actor, input.id)),
});
