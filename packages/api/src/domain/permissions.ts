// The permission catalogue: every permission key, its area and words, the built-in roles defined
// from it, and what an API token may do. Client-safe: the console renders it and gates pages and
// buttons with it. Keys are stable identifiers (custom roles store them): add keys, never rename one.

export const PERMISSION_AREAS = {
  organization: "Organization",
  members: "Members and access",
  tokens: "API tokens",
  audit: "Audit",
  plan: "Plan and license",
} as const;
export type PermissionArea = keyof typeof PERMISSION_AREAS;

export const PERMISSIONS = [
  "org:view",
  "org:manage",
  "org:delete",
  "members:view",
  "members:manage",
  "invitations:manage",
  "joinCodes:manage",
  "roles:manage",
  "tokens:manage",
  "audit:view",
  "license:view",
  "license:manage",
  "deployments:manage",
  "domains:manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface PermissionInfo {
  area: PermissionArea;
  label: string;
  description: string;
}

export const PERMISSION_INFO: Record<Permission, PermissionInfo> = {
  "org:view": {
    area: "organization",
    label: "View the organization",
    description: "See its name, handle and settings. Every role has it.",
  },
  "org:manage": {
    area: "organization",
    label: "Manage settings",
    description: "Rename, change the handle or description, deactivate and reactivate.",
  },
  "org:delete": {
    area: "organization",
    label: "Delete the organization",
    description: "Permanently, with its members, invitations, join codes and tokens.",
  },
  "members:view": {
    area: "members",
    label: "See members",
    description: "Who belongs to the organization and with which role.",
  },
  "members:manage": {
    area: "members",
    label: "Manage members",
    description: "Add members, change their roles and remove them.",
  },
  "invitations:manage": {
    area: "members",
    label: "Manage invitations",
    description: "Invite people by email, resend and revoke invitations.",
  },
  "joinCodes:manage": {
    area: "members",
    label: "Manage join codes",
    description: "Create, list and revoke shareable join codes.",
  },
  "roles:manage": {
    area: "members",
    label: "Manage roles",
    description: "Create, edit and delete custom roles (only with permissions you hold yourself).",
  },
  "tokens:manage": {
    area: "tokens",
    label: "Manage API tokens",
    description: "Create, list and revoke the organization's API tokens.",
  },
  "audit:view": { area: "audit", label: "View the audit log", description: "Who did what, and when." },
  "license:view": {
    area: "plan",
    label: "See the plan",
    description: "The plan in force, its limits, seats used and the license's deployments.",
  },
  "license:manage": {
    area: "plan",
    label: "Manage the license",
    description: "Redeem a license key, unassign the license and see its key.",
  },
  "deployments:manage": {
    area: "plan",
    label: "Manage deployments",
    description: "Deactivate a deployment of the license, freeing its slot.",
  },
  "domains:manage": {
    area: "organization",
    label: "Manage verified domains",
    description: "Prove email domains and choose whether people with those addresses can join.",
  },
};

/** Every role includes it: a member can always see (and leave) the organization they are in. */
export const BASE_PERMISSION: Permission = "org:view";

export const BUILT_IN_ROLES = ["owner", "admin", "member", "viewer"] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

export interface RoleDefinition {
  name: string;
  description: string;
  permissions: readonly Permission[];
}

/** Owners only among the built-in roles. */
const OWNER_ONLY: readonly Permission[] = ["org:delete", "license:manage", "domains:manage"];
const ADMIN_PERMISSIONS = PERMISSIONS.filter((p) => !OWNER_ONLY.includes(p));

/**
 * The built-in roles: fixed, in every organization, never edited or deleted. `owner` is special
 * beyond its permissions: only owners grant, change or remove it, and the last one stays
 * (assertOwnerRule, last_owner).
 */
export const BUILT_IN_ROLE_DEFINITIONS: Record<BuiltInRole, RoleDefinition> = {
  owner: {
    name: "Owner",
    description:
      "Full control, including the license, verified domains, deleting the organization and managing owners.",
    permissions: PERMISSIONS,
  },
  admin: {
    name: "Admin",
    description: "Manages settings, members, invitations, join codes, roles and API tokens; cannot touch owners.",
    permissions: ADMIN_PERMISSIONS,
  },
  member: {
    name: "Member",
    description: "Sees the organization, its plan and its members.",
    permissions: ["org:view", "members:view", "license:view"],
  },
  viewer: {
    name: "Viewer",
    description: "Sees the organization and its plan only.",
    permissions: ["org:view", "license:view"],
  },
};

/**
 * What an organization API token may do: an admin's powers on its own organization, except minting
 * or revoking tokens (a leaked token must not be able to mint more) and never deletion. Like any
 * caller, it can grant only roles within these powers (so not `admin`, which holds tokens:manage).
 */
export const API_TOKEN_PERMISSIONS: readonly Permission[] = ADMIN_PERMISSIONS.filter((p) => p !== "tokens:manage");

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

export function isBuiltInRole(value: string): value is BuiltInRole {
  return (BUILT_IN_ROLES as readonly string[]).includes(value);
}

/**
 * The one role → permission lookup. A built-in role's come from the catalogue; a custom role's are
 * what its row stores (`customPermissions`, read with the membership in the same statement), keys
 * the catalogue no longer knows ignored. An unknown role (no custom row) has none.
 */
export function permissionsOfRole(role: string, customPermissions?: readonly string[] | null): readonly Permission[] {
  if (isBuiltInRole(role)) return BUILT_IN_ROLE_DEFINITIONS[role].permissions;
  return customPermissions ? PERMISSIONS.filter((p) => customPermissions.includes(p)) : [];
}

/**
 * A role's display name: a built-in role's catalogue name, a custom role's `name` (read with the row
 * that names the role, in the same statement), its key when the role is gone.
 */
export function roleDisplayName(role: string, customName?: string | null): string {
  if (isBuiltInRole(role)) return BUILT_IN_ROLE_DEFINITIONS[role].name;
  return customName ?? role;
}

/** The permissions of `wanted` that `held` lacks: a caller may only create, edit or grant a role within their own. */
export function permissionsBeyond(wanted: readonly Permission[], held: readonly Permission[]): Permission[] {
  return wanted.filter((p) => !held.includes(p));
}

/** A custom role's permissions as stored: catalogue order, no duplicates, always the base permission. */
export function normalizePermissions(permissions: readonly Permission[]): Permission[] {
  return PERMISSIONS.filter((p) => p === BASE_PERMISSION || permissions.includes(p));
}

export function roleMatrix() {
  return {
    permissions: PERMISSIONS,
    catalogue: PERMISSIONS.map((key) => ({
      key,
      ...PERMISSION_INFO[key],
      areaLabel: PERMISSION_AREAS[PERMISSION_INFO[key].area],
    })),
    roles: BUILT_IN_ROLES.map((role) => ({ role, ...BUILT_IN_ROLE_DEFINITIONS[role] })),
    apiToken: { permissions: API_TOKEN_PERMISSIONS },
  };
}
