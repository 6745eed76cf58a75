// The built-in role → permission matrix. Client-safe: the console renders it and gates buttons with it.

export const PERMISSIONS = [
  "org:view",
  "org:manage",
  "org:delete",
  "members:view",
  "members:manage",
  "tokens:manage",
  "audit:view",
  "domains:manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ["owner", "admin", "member", "viewer"] as const;
export type OrgRole = (typeof ROLES)[number];

export const ROLE_PERMISSIONS: Record<OrgRole, readonly Permission[]> = {
  owner: PERMISSIONS,
  admin: ["org:view", "org:manage", "members:view", "members:manage", "tokens:manage", "audit:view"],
  member: ["org:view", "members:view"],
  viewer: ["org:view"],
};

export const ROLE_DESCRIPTIONS: Record<OrgRole, string> = {
  owner: "Full control, including deleting the organization, managing owners and verified domains.",
  admin: "Manages settings, members, invitations, join codes and API tokens; cannot touch owners.",
  member: "Sees the organization and its members.",
  viewer: "Sees the organization only.",
};

/**
 * What an organization API token may do: an admin's powers on its own organization, except minting
 * or revoking tokens (a leaked token must not be able to mint more) and never deletion.
 */
export const API_TOKEN_PERMISSIONS: readonly Permission[] = [
  "org:view",
  "org:manage",
  "members:view",
  "members:manage",
  "audit:view",
];

export function isOrgRole(value: string): value is OrgRole {
  return (ROLES as readonly string[]).includes(value);
}

export function permissionsOfRole(role: string): readonly Permission[] {
  return isOrgRole(role) ? ROLE_PERMISSIONS[role] : [];
}

export function roleMatrix(): {
  permissions: readonly Permission[];
  roles: { role: OrgRole; description: string; permissions: readonly Permission[] }[];
} {
  return {
    permissions: PERMISSIONS,
    roles: ROLES.map((role) => ({ role, description: ROLE_DESCRIPTIONS[role], permissions: ROLE_PERMISSIONS[role] })),
  };
}

/** A role read from the database (a text column): only the built-in roles are ever written to it. */
export function storedRole(value: string): OrgRole {
  if (isOrgRole(value)) return value;
  throw new Error(`Unknown role "${value}" stored in the database`);
}
