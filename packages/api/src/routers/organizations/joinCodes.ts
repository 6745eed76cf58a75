import {
  createJoinCodeInput,
  joinWithCodeInput,
  listJoinCodesInput,
  revokeJoinCodeInput,
} from "../../schemas/joinCodes";
import { createJoinCode, joinWithCode, listJoinCodes, revokeJoinCode } from "../../services/joinCodes";
import { createTRPCRouter, orgProcedure, userProcedure } from "../../trpc";

export const joinCodesRouter = createTRPCRouter({
  create: orgProcedure("members:manage", { requireActive: true })
    .input(createJoinCodeInput)
    .mutation(({ ctx, input }) => createJoinCode(ctx.db, ctx.actor, ctx.access, input)),

  list: orgProcedure("members:manage")
    .input(listJoinCodesInput)
    .query(({ ctx }) => listJoinCodes(ctx.db, ctx.access)),

  revoke: orgProcedure("members:manage")
    .input(revokeJoinCodeInput)
    .mutation(({ ctx, input }) => revokeJoinCode(ctx.db, ctx.actor, ctx.access, input.id)),

  join: userProcedure
    .input(joinWithCodeInput)
    .mutation(({ ctx, input }) => joinWithCode(ctx.db, ctx.config, ctx.actor, ctx.ip, input.code)),
});
