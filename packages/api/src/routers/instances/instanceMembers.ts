import { okOutput } from "../../schemas/common";
import {
  addInstanceMemberInput,
  instanceMemberOutput,
  listInstanceMembersOutput,
  removeInstanceMemberInput,
  setInstanceMemberRoleInput,
} from "../../schemas/instances";
import {
  addInstanceMember,
  listInstanceMembers,
  removeInstanceMember,
  setInstanceMemberRole,
} from "../../services/instances";
import { createTRPCRouter, instanceProcedure } from "../../trpc";

export const instanceMembersRouter = createTRPCRouter({
  list: instanceProcedure("instance:view")
    .meta({ summary: "List the instance's members", description: "Its owners, admins and viewers." })
    .output(listInstanceMembersOutput)
    .query(({ ctx }) => listInstanceMembers(ctx.db, ctx.instanceAccess)),

  add: instanceProcedure("instance:own")
    .meta({
      summary: "Add an instance member",
      description: "An existing user with a verified email. Instance owners only.",
      errors: ["user_not_found", "email_unverified", "already_member"],
    })
    .input(addInstanceMemberInput)
    .output(instanceMemberOutput)
    .mutation(({ ctx, input }) => addInstanceMember(ctx.db, ctx.actor, ctx.instanceAccess, input)),

  setRole: instanceProcedure("instance:own")
    .meta({
      summary: "Change an instance member's role",
      description: "Instance owners only; the last owner stays an owner.",
      errors: ["member_not_found", "last_owner"],
    })
    .input(setInstanceMemberRoleInput)
    .output(instanceMemberOutput)
    .mutation(({ ctx, input }) => setInstanceMemberRole(ctx.db, ctx.actor, ctx.instanceAccess, input)),

  remove: instanceProcedure("instance:own")
    .meta({
      summary: "Remove an instance member",
      description: "Instance owners only; idempotent; the last owner cannot be removed.",
      errors: ["last_owner"],
    })
    .input(removeInstanceMemberInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => removeInstanceMember(ctx.db, ctx.actor, ctx.instanceAccess, input.userId)),
});
