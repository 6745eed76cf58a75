import { z } from "zod";

import { isBuiltInRole } from "../domain/permissions";
import { okOutput, orgScoped, permission, roleInput, timestamp } from "./common";

/** A custom role's key: a slug, unique in its organization, never one of the built-in roles' keys. */
export const customRoleKey = roleInput
  .refine((key) => !isBuiltInRole(key), "This is a built-in role: it cannot be created, edited or deleted")
  .describe("The custom role's key: lowercase letters, digits and single hyphens; never a built-in role's key.");

export const customRoleName = z
  .string()
  .trim()
  .min(1, "Name is required")
  .max(60, "Name must be at most 60 characters");
export const customRoleDescription = z.string().trim().max(300, "Description must be at most 300 characters");
export const customRolePermissions = z
  .array(permission)
  .max(100)
  .describe("Permission keys of the catalogue (`organizations.roles`). `org:view` is always included.");

export const listCustomRolesInput = orgScoped;

export const createCustomRoleInput = orgScoped.extend({
  key: customRoleKey,
  name: customRoleName,
  description: customRoleDescription.nullish().describe("Absent or null: none."),
  permissions: customRolePermissions,
});

export const updateCustomRoleInput = orgScoped.extend({
  key: customRoleKey,
  name: customRoleName.optional().describe("Absent: unchanged."),
  description: customRoleDescription.nullish().describe("Absent: unchanged. null: cleared."),
  permissions: customRolePermissions.optional().describe("Absent: unchanged. Replaces the whole set."),
});

export const deleteCustomRoleInput = orgScoped.extend({
  key: customRoleKey,
  reassignTo: roleInput
    .optional()
    .describe(
      "The role members, pending invitations and active join codes of the deleted role get instead. Without it, deleting a role in use is refused (409 `role_in_use`).",
    ),
});

export const customRole = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(permission).readonly(),
  builtIn: z.boolean().describe("Built-in roles cannot be edited or deleted."),
  createdAt: timestamp.nullable().describe("null for built-in roles."),
  updatedAt: timestamp.nullable().describe("null for built-in roles."),
});

/** What still names a role: counted for `role_in_use`, moved by `reassignTo`. */
export const roleUsage = z.object({
  members: z.number().int(),
  pendingInvitations: z.number().int().describe("Not answered yet (expired ones included: they can be resent)."),
  activeJoinCodes: z.number().int().describe("Neither revoked, expired nor used up."),
  domains: z.number().int().describe("Domains whose `joinRole` it is (whatever their policy)."),
});

export const listCustomRolesOutput = z.object({
  roles: z
    .array(customRole.extend({ usage: roleUsage }))
    .describe("The built-in roles first, then the organization's custom roles by name."),
});

export const customRoleOutput = z.object({ role: customRole });

export const deleteCustomRoleOutput = okOutput.extend({
  reassigned: roleUsage.describe("What moved to `reassignTo` (zeros without it)."),
});

export type CustomRoleDto = z.output<typeof customRole>;
export type RoleUsage = z.output<typeof roleUsage>;
