import {
  createCustomRoleInput,
  customRoleOutput,
  deleteCustomRoleInput,
  deleteCustomRoleOutput,
  listCustomRolesInput,
  listCustomRolesOutput,
  updateCustomRoleInput,
} from "../../schemas/roles";
import { createCustomRole, deleteCustomRole, listCustomRoles, updateCustomRole } from "../../services/customRoles";
import { createTRPCRouter, orgProcedure } from "../../trpc";

// An organization's own roles (the seed's `organizations.roles` stays the built-in matrix).
export const customRolesRouter = createTRPCRouter({
  list: orgProcedure("org:view")
    .meta({
      summary: "List the organization's roles",
      description:
        "The built-in roles, then the organization's custom roles, each with its permissions and what uses it (members, pending invitations, active join codes).",
    })
    .input(listCustomRolesInput)
    .output(listCustomRolesOutput)
    .query(({ ctx }) => listCustomRoles(ctx.db, ctx.access)),

  create: orgProcedure("roles:manage", { requireActive: true })
    .meta({
      summary: "Create a custom role",
      description:
        "A key unique in the organization (never a built-in role's), a name and permissions from the catalogue (`org:view` is always included). Only permissions you have yourself.",
      errors: ["role_key_taken", "permission_escalation"],
    })
    .input(createCustomRoleInput)
    .output(customRoleOutput)
    .mutation(({ ctx, input }) => {
      const { organizationId: _ref, ...role } = input;
      return createCustomRole(ctx.db, ctx.actor, ctx.access, role);
    }),

  update: orgProcedure("roles:manage", { requireActive: true })
    .meta({
      summary: "Edit a custom role",
      description:
        "Name, description or the whole permission set. Members holding the role have the new permissions from their next request. Only roles, and permissions, within your own.",
      errors: ["role_not_found", "permission_escalation"],
    })
    .input(updateCustomRoleInput)
    .output(customRoleOutput)
    .mutation(({ ctx, input }) => {
      const { organizationId: _ref, ...changes } = input;
      return updateCustomRole(ctx.db, ctx.actor, ctx.access, changes);
    }),

  delete: orgProcedure("roles:manage", { requireActive: true })
    .meta({
      summary: "Delete a custom role",
      description:
        "Refused with 409 `role_in_use` (and the counts in `details`) while members, pending invitations or active join codes use it, unless `reassignTo` names the role they get instead, in the same transaction.",
      errors: ["role_not_found", "role_in_use", "permission_escalation", "owner_required"],
    })
    .input(deleteCustomRoleInput)
    .output(deleteCustomRoleOutput)
    .mutation(({ ctx, input }) =>
      deleteCustomRole(ctx.db, ctx.actor, ctx.access, { key: input.key, reassignTo: input.reassignTo }),
    ),
});
