import { okOutput } from "../../schemas/common";
import {
  addMemberInput,
  leaveOrganizationInput,
  listMembersInput,
  listMembersOutput,
  memberOutput,
  removeMemberInput,
  setMemberRoleInput,
  setMemberRoleOutput,
} from "../../schemas/members";
import { addMember, leaveOrganization, listMembers, removeMember, setMemberRole } from "../../services/members";
import { createTRPCRouter, orgProcedure } from "../../trpc";

export const membersRouter = createTRPCRouter({
  list: orgProcedure("members:view")
    .meta({ summary: "List members", description: "Keyset-paginated in join order; searchable by name or email." })
    .input(listMembersInput)
    .output(listMembersOutput)
    .query(({ ctx, input }) => listMembers(ctx.db, ctx.access, input)),

  add: orgProcedure("members:manage", { requireActive: true })
    .meta({
      summary: "Add a member by email",
      description:
        "The user must have signed up and verified their email; otherwise send an invitation. `role`: a built-in role or one of the organization's custom roles, whose permissions you have yourself; only owners can add owners. Takes a seat of the plan (402 `seat_limit_reached` when none is free).",
      errors: [
        "owner_required",
        "permission_escalation",
        "user_not_found",
        "email_unverified",
        "already_member",
        "seat_limit_reached",
      ],
    })
    .input(addMemberInput)
    .output(memberOutput)
    .mutation(({ ctx, input }) => addMember(ctx.db, ctx.config, ctx.actor, ctx.access, input)),

  remove: orgProcedure("members:manage", { requireActive: true })
    .meta({
      summary: "Remove a member",
      description:
        "Idempotent. Only owners can remove owners, and never the last one; nobody removes a member whose role has permissions they lack.",
      errors: ["owner_required", "permission_escalation", "last_owner"],
    })
    .input(removeMemberInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => removeMember(ctx.db, ctx.actor, ctx.access, input.userId)),

  setRole: orgProcedure("members:manage", { requireActive: true })
    .meta({
      summary: "Change a member's role",
      description:
        "A built-in role or one of the organization's custom roles. Only owners grant or take away `owner`; the last owner stays. You can only grant a role, or change the role of a member, whose permissions you have yourself.",
      errors: ["member_not_found", "owner_required", "permission_escalation", "last_owner"],
    })
    .input(setMemberRoleInput)
    .output(setMemberRoleOutput)
    .mutation(({ ctx, input }) => setMemberRole(ctx.db, ctx.actor, ctx.access, input)),

  leave: orgProcedure("org:view", { requireActive: true })
    .meta({ summary: "Leave an organization", errors: ["user_required", "last_owner"] })
    .input(leaveOrganizationInput)
    .output(okOutput)
    .mutation(({ ctx }) => leaveOrganization(ctx.db, ctx.actor, ctx.access)),
});
