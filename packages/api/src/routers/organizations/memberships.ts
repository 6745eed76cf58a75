import { getMembershipInput, listMembershipsOutput, membershipOutput } from "../../schemas/members";
import { getMembership, listMembershipsOfUser } from "../../services/memberships";
import { authedProcedure, createTRPCRouter, userProcedure } from "../../trpc";

// balena's organization.membership.get / getAllByUser.
export const membershipsRouter = createTRPCRouter({
  get: authedProcedure
    .meta({
      summary: "Get a membership",
      description:
        "By membership id, or by user and organization. Yours, or any in an organization whose members you may view.",
      errors: ["membership_not_found"],
    })
    .input(getMembershipInput)
    .output(membershipOutput)
    .query(({ ctx, input }) => getMembership(ctx.db, ctx.actor, input)),

  listByUser: userProcedure
    .meta({ summary: "List your memberships" })
    .output(listMembershipsOutput)
    .query(({ ctx }) => listMembershipsOfUser(ctx.db, ctx.actor)),
});
