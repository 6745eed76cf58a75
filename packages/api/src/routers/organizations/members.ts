import {
  addMemberInput,
  leaveOrganizationInput,
  listMembersInput,
  removeMemberInput,
  setMemberRoleInput,
} from "../../schemas/members";
import { addMember, leaveOrganization, listMembers, removeMember, setMemberRole } from "../../services/members";
import { createTRPCRouter, orgProcedure } from "../../trpc";

export const membersRouter = createTRPCRouter({
  list: orgProcedure("members:view")
    .input(listMembersInput)
    .query(({ ctx, input }) => listMembers(ctx.db, ctx.access, input)),

  add: orgProcedure("members:manage", { requireActive: true })
    .input(addMemberInput)
    .mutation(({ ctx, input }) => addMember(ctx.db, ctx.actor, ctx.access, input)),

  remove: orgProcedure("members:manage", { requireActive: true })
    .input(removeMemberInput)
    .mutation(({ ctx, input }) => removeMember(ctx.db, ctx.actor, ctx.access, input.userId)),

  setRole: orgProcedure("members:manage", { requireActive: true })
    .input(setMemberRoleInput)
    .mutation(({ ctx, input }) => setMemberRole(ctx.db, ctx.actor, ctx.access, input)),

  leave: orgProcedure("org:view", { requireActive: true })
    .input(leaveOrganizationInput)
    .mutation(({ ctx }) => leaveOrganization(ctx.db, ctx.actor, ctx.access)),
});
