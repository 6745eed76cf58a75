import { getMembershipInput } from "../../schemas/members";
import { getMembership, listMembershipsOfUser } from "../../services/memberships";
import { authedProcedure, createTRPCRouter, userProcedure } from "../../trpc";

// balena's organization.membership.get / getAllByUser.
export const membershipsRouter = createTRPCRouter({
  get: authedProcedure.input(getMembershipInput).query(({ ctx, input }) => getMembership(ctx.db, ctx.actor, input)),
  listByUser: userProcedure.query(({ ctx }) => listMembershipsOfUser(ctx.db, ctx.actor)),
});
