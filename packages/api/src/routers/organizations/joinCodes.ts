import {
  createJoinCodeInput,
  joinCodeCreatedOutput,
  joinWithCodeInput,
  joinWithCodeOutput,
  listJoinCodesInput,
  listJoinCodesOutput,
  revokeJoinCodeInput,
  revokeJoinCodeOutput,
} from "../../schemas/joinCodes";
import { createJoinCode, listJoinCodes, revokeJoinCode } from "../../services/joinCodes";
import { joinWithCode } from "../../services/joinWithCode";
import { createTRPCRouter, orgProcedure, userProcedure } from "../../trpc";

export const joinCodesRouter = createTRPCRouter({
  create: orgProcedure("joinCodes:manage", { requireActive: true })
    .meta({
      summary: "Create a join code",
      description: "A shareable code; returned once. `maxUses: N` admits exactly N users.",
      errors: ["owner_required", "permission_escalation"],
    })
    .input(createJoinCodeInput)
    .output(joinCodeCreatedOutput)
    .mutation(({ ctx, input }) => createJoinCode(ctx.db, ctx.actor, ctx.access, input)),

  list: orgProcedure("joinCodes:manage")
    .meta({ summary: "List join codes", description: "With a hint of each code, never the code." })
    .input(listJoinCodesInput)
    .output(listJoinCodesOutput)
    .query(({ ctx }) => listJoinCodes(ctx.db, ctx.access)),

  revoke: orgProcedure("joinCodes:manage")
    .meta({ summary: "Revoke a join code", errors: ["join_code_not_found"] })
    .input(revokeJoinCodeInput)
    .output(revokeJoinCodeOutput)
    .mutation(({ ctx, input }) => revokeJoinCode(ctx.db, ctx.actor, ctx.access, input.id)),

  join: userProcedure
    .meta({
      summary: "Join with a code",
      description:
        "You become a member with the code's role; `alreadyMember` if you were one. Takes a seat of the plan (402 `seat_limit_reached` when none is free).",
      errors: [
        "join_code_not_found",
        "join_code_expired",
        "join_code_revoked",
        "join_code_exhausted",
        "organization_inactive",
        "seat_limit_reached",
        "rate_limited",
      ],
    })
    .input(joinWithCodeInput)
    .output(joinWithCodeOutput)
    .mutation(({ ctx, input }) => joinWithCode(ctx.db, ctx.config, ctx.actor, ctx.ip, input.code)),
});
