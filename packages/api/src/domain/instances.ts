// Instance roles and what they may do. Client-safe: the console gates the Admin area with it.

export const INSTANCE_ROLES = ["owner", "admin", "viewer"] as const;
export type InstanceRole = (typeof INSTANCE_ROLES)[number];

export const INSTANCE_PERMISSIONS = [
  /** See the instance, its organizations, their invitations and the instance members. */
  "instance:view",
  /** Create organizations in it, deactivate / reactivate them, invite into them. */
  "instance:manage",
  /** Mint, list and revoke instance API tokens. */
  "instance:tokens",
  /** Add, change and remove instance members. */
  "instance:own",
] as const;
export type InstancePermission = (typeof INSTANCE_PERMISSIONS)[number];

export const INSTANCE_ROLE_PERMISSIONS: Record<InstanceRole, readonly InstancePermission[]> = {
  owner: INSTANCE_PERMISSIONS,
  admin: ["instance:view", "instance:manage", "instance:tokens"],
  viewer: ["instance:view"],
};

export const INSTANCE_ROLE_DESCRIPTIONS: Record<InstanceRole, string> = {
  owner: "Everything, including the instance's members; owners of the default instance create instances.",
  admin: "Manages the instance's organizations and their invitations, and its API tokens.",
  viewer: "Sees the instance's organizations, invitations and members.",
};

/**
 * What an instance API token may do (within its scopes): an admin's powers on its own instance,
 * except minting tokens (a leaked token must not mint more) and managing instance members.
 */
export const INSTANCE_TOKEN_PERMISSIONS: readonly InstancePermission[] = ["instance:view", "instance:manage"];

export function isInstanceRole(value: string): value is InstanceRole {
  return (INSTANCE_ROLES as readonly string[]).includes(value);
}

export function instancePermissionsOfRole(role: string): readonly InstancePermission[] {
  return isInstanceRole(role) ? INSTANCE_ROLE_PERMISSIONS[role] : [];
}

/** A role read from the database: only these are ever written to it. */
export function storedInstanceRole(value: string): InstanceRole {
  if (isInstanceRole(value)) return value;
  throw new Error(`Unknown instance role "${value}" stored in the database`);
}

/** On what authority a caller acts on an organization it is not (necessarily) a member of. */
export interface InstanceAuthority {
  instanceId: string;
  /** The caller's instance role, or "token" for an instance API token. */
  role: InstanceRole | "token";
}
