import { z } from "zod";

import { LOGO_MAX_BYTES, LOGO_TYPES } from "../domain/images";
import { BUILT_IN_ROLES, PERMISSION_AREAS, type PermissionArea } from "../domain/permissions";
import { handle, id, okOutput, orgScoped, permission, role, roleName, timestamp } from "./common";

export const organizationName = z
  .string()
  .trim()
  .min(1, "Name is required")
  .max(100, "Name must be at most 100 characters");
export const organizationDescription = z.string().trim().max(1000, "Description must be at most 1000 characters");

export const createOrganizationInput = z.object({
  name: organizationName,
  handle: handle.optional().describe("Derived from the name when absent."),
  description: organizationDescription.nullish().describe("Absent or null: no description."),
});

export const getOrganizationInput = orgScoped;

export const listOrganizationsInput = z
  .object({ activeOnly: z.boolean().optional().describe("Only active organizations.") })
  .optional();

// null is accepted wherever the REST seed declares a field nullable: it leaves name and active as
// they are (they cannot be empty) and clears the description.
export const updateOrganizationInput = orgScoped.extend({
  name: organizationName.nullish().describe("Absent or null: unchanged."),
  description: organizationDescription.nullish().describe("Absent: unchanged. null: cleared."),
  handle: handle.optional().describe("Absent: unchanged. The old handle stops resolving at once."),
  active: z.boolean().nullish().describe("false makes the organization read-only. Absent or null: unchanged."),
});

export const deleteOrganizationInput = orgScoped;

// Base64 of LOGO_MAX_BYTES plus a data-URL prefix; the exact byte limit is checked after decoding.
const MAX_LOGO_TEXT = Math.ceil(LOGO_MAX_BYTES / 3) * 4 + 200;

export const setLogoInput = orgScoped.extend({
  /** The image as base64, or as a data URL (`data:image/png;base64,...`). */
  image: z
    .string()
    .trim()
    .min(1, "Choose an image")
    .max(MAX_LOGO_TEXT, `The logo must be at most ${LOGO_MAX_BYTES / 1024} KB`),
  /** What the uploader says it is; refused when the bytes say otherwise. A data URL's type counts too. */
  contentType: z.string().trim().max(100).optional(),
});

export const removeLogoInput = orgScoped;

export const logoOutput = z.object({
  logo: z.object({
    url: z.string().describe("`/api/logos/<sha256>`: named by the content, so it can be cached for good."),
    contentType: z.enum(LOGO_TYPES),
    size: z.number().int(),
    width: z.number().int(),
    height: z.number().int(),
  }),
});

export const removeLogoOutput = okOutput;

export const handleAvailabilityInput = z.object({ handle: z.string().trim().toLowerCase().max(100) });

export const organization = z.object({
  id,
  handle: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  active: z.boolean().describe("false: the organization is read-only."),
  logoUrl: z
    .string()
    .nullable()
    .describe("Path of the logo on this server (`/api/logos/<sha256>`, cacheable for good); null: show initials."),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const organizationOutput = z.object({ organization });

export const getOrganizationOutput = z.object({
  organization,
  role: role.nullable().describe("Your role; null when the caller is an API token."),
  permissions: z.array(permission).readonly().describe("What you may do in this organization."),
  memberCount: z.number().int(),
  ownerCount: z.number().int().describe("With one owner, that owner can neither be demoted nor leave (last_owner)."),
});

export const organizationWithRole = organization.extend({
  role: role.describe(
    'Your role: a built-in role (`owner`, `admin`, `member`, `viewer`), a custom role key, or "api_token" when the caller is an API token.',
  ),
  roleName: roleName.describe("Your role's display name (a custom role's name; \"API token\" for a token)."),
  membershipId: id.describe("Your membership (the token's id for an API token)."),
  joinedAt: timestamp,
});

export const listOrganizationsOutput = z.object({ organizations: z.array(organizationWithRole) });

export const updateOrganizationOutput = okOutput.extend({ organization });

export const deleteOrganizationOutput = okOutput;

export const HANDLE_UNAVAILABLE_REASONS = ["handle_taken", "handle_invalid", "handle_reserved"] as const;

export const handleAvailabilityOutput = z.object({
  handle: z.string(),
  available: z.boolean(),
  reason: z.enum(HANDLE_UNAVAILABLE_REASONS).nullable(),
  suggestion: z
    .string()
    .nullable()
    .describe("When taken: the handle `create` would derive from it instead (acme → acme-2)."),
});

export const permissionInfo = z.object({
  key: permission,
  area: z.enum(Object.keys(PERMISSION_AREAS) as [PermissionArea, ...PermissionArea[]]),
  areaLabel: z.string(),
  label: z.string(),
  description: z.string(),
});

export const roleMatrixOutput = z.object({
  permissions: z.array(permission).readonly().describe("Every permission key of the catalogue."),
  catalogue: z.array(permissionInfo).describe("Each permission with its area, label and description."),
  roles: z
    .array(
      z.object({
        role: z.enum(BUILT_IN_ROLES),
        name: z.string(),
        description: z.string(),
        permissions: z.array(permission).readonly(),
      }),
    )
    .describe("The built-in roles. An organization's custom roles: `organizations.customRoles.list`."),
  apiToken: z
    .object({ permissions: z.array(permission).readonly() })
    .describe("What an organization API token may do."),
});

export type OrganizationDto = z.output<typeof organization>;
export type OrganizationWithRoleDto = z.output<typeof organizationWithRole>;
