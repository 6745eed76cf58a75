/**
 * API token scopes, in the style of Losant's (`all.Instance`, `all.Instance.read`,
 * `instanceOrgInvites.*`, `instanceOrgInvites.get`, ...). Client-safe: the console's scope pickers
 * read it. The one table of which scopes accept which procedure; trpc.ts checks it in one place.
 *
 * Every operation a token can reach has a resource and an action; it is accepted by:
 * - `all.<Level>` (`all.Instance`, `all.Organization`), and `all.<Level>.read` when it only reads;
 * - on instance operations, also `all.User` and `all.User.read` (the seed's scope lists accept them);
 * - `<resource>.*`, and on organization operations that only read `<resource>.read`;
 * - `<resource>.<action>`.
 * An organization token minted without scopes keeps every power org tokens had before scopes existed.
 */
export type ScopeLevel = "instance" | "organization";

export interface ScopedOperation {
  level: ScopeLevel;
  resource: string;
  action: string;
  /** Reads only (accepted by the `.read` scopes). */
  read: boolean;
}

const instanceOp = (resource: string, action: string, read: boolean): ScopedOperation => ({
  level: "instance",
  resource,
  action,
  read,
});
const orgOp = (resource: string, action: string, read: boolean): ScopedOperation => ({
  level: "organization",
  resource,
  action,
  read,
});

/** Instance API tokens: procedure path → operation. */
export const INSTANCE_OPERATIONS = {
  "instances.list": instanceOp("instances", "list", true),
  "instances.get": instanceOp("instances", "get", true),
  "instances.audit": instanceOp("instances", "audit", true),
  "instanceOrgs.list": instanceOp("instanceOrgs", "list", true),
  "instanceOrgs.get": instanceOp("instanceOrgs", "get", true),
  "instanceOrgs.create": instanceOp("instanceOrgs", "create", false),
  "instanceOrgs.setActive": instanceOp("instanceOrgs", "setActive", false),
  "instanceOrgInvites.get": instanceOp("instanceOrgInvites", "get", true),
  "instanceOrgInvites.post": instanceOp("instanceOrgInvites", "post", false),
  "instanceMembers.list": instanceOp("instanceMembers", "list", true),
} as const satisfies Record<string, ScopedOperation>;

/** Organization API tokens: procedure path → operation. */
export const ORGANIZATION_OPERATIONS = {
  "organizations.list": orgOp("organization", "list", true),
  "organizations.get": orgOp("organization", "get", true),
  "organizations.update": orgOp("organization", "update", false),
  "organizations.delete": orgOp("organization", "delete", false),
  "organizations.members.list": orgOp("members", "list", true),
  "organizations.members.add": orgOp("members", "add", false),
  "organizations.members.remove": orgOp("members", "remove", false),
  "organizations.members.setRole": orgOp("members", "setRole", false),
  "organizations.members.leave": orgOp("members", "leave", false),
  "organizations.memberships.get": orgOp("memberships", "get", true),
  "organizations.invitations.create": orgOp("invitations", "create", false),
  "organizations.invitations.resend": orgOp("invitations", "resend", false),
  "organizations.invitations.list": orgOp("invitations", "list", true),
  "organizations.invitations.revoke": orgOp("invitations", "revoke", false),
  "organizations.joinCodes.create": orgOp("joinCodes", "create", false),
  "organizations.joinCodes.list": orgOp("joinCodes", "list", true),
  "organizations.joinCodes.revoke": orgOp("joinCodes", "revoke", false),
  "organizations.tokens.create": orgOp("tokens", "create", false),
  "organizations.tokens.list": orgOp("tokens", "list", true),
  "organizations.tokens.revoke": orgOp("tokens", "revoke", false),
  "organizations.audit.list": orgOp("audit", "list", true),
  "organizations.domains.list": orgOp("domains", "list", true),
  "organizations.domains.add": orgOp("domains", "add", false),
  "organizations.domains.verify": orgOp("domains", "verify", false),
  "organizations.domains.update": orgOp("domains", "update", false),
  "organizations.domains.remove": orgOp("domains", "remove", false),
  "organizations.customRoles.list": orgOp("customRoles", "list", true),
  "organizations.customRoles.create": orgOp("customRoles", "create", false),
  "organizations.customRoles.update": orgOp("customRoles", "update", false),
  "organizations.customRoles.delete": orgOp("customRoles", "delete", false),
  "organizations.logo.set": orgOp("logo", "set", false),
  "organizations.logo.remove": orgOp("logo", "remove", false),
  "organizations.license.get": orgOp("license", "get", true),
  "organizations.license.assign": orgOp("license", "assign", false),
  "organizations.license.unassign": orgOp("license", "unassign", false),
  "organizations.deployments.list": orgOp("deployments", "list", true),
  "organizations.deployments.deactivate": orgOp("deployments", "deactivate", false),
  "plans.list": orgOp("plans", "list", true),
} as const satisfies Record<string, ScopedOperation>;

const OPERATIONS: Readonly<Record<string, ScopedOperation>> = { ...INSTANCE_OPERATIONS, ...ORGANIZATION_OPERATIONS };

/** The scoped operation a procedure path is, or null when no token scope reaches it. */
export function scopedOperationOf(procedurePath: string): ScopedOperation | null {
  return Object.hasOwn(OPERATIONS, procedurePath) ? OPERATIONS[procedurePath]! : null;
}

const LEVEL_NAME: Record<ScopeLevel, string> = { instance: "Instance", organization: "Organization" };

/** Every scope that accepts `operation`, broadest first (what an insufficient_scope error names). */
export function acceptedScopes(operation: ScopedOperation): string[] {
  const level = LEVEL_NAME[operation.level];
  const scopes = [`all.${level}`];
  if (operation.read) scopes.push(`all.${level}.read`);
  if (operation.level === "instance") scopes.push("all.User", ...(operation.read ? ["all.User.read"] : []));
  scopes.push(`${operation.resource}.*`);
  if (operation.read && operation.level === "organization") scopes.push(`${operation.resource}.read`);
  scopes.push(`${operation.resource}.${operation.action}`);
  return scopes;
}

export interface ScopeDescription {
  scope: string;
  description: string;
}

/** Every scope a token of `level` may carry, for validation and the pickers: broad ones first, then by resource. */
export function scopeVocabulary(level: ScopeLevel): ScopeDescription[] {
  const operations = Object.values(level === "instance" ? INSTANCE_OPERATIONS : ORGANIZATION_OPERATIONS);
  const name = LEVEL_NAME[level];
  const vocabulary: ScopeDescription[] = [
    { scope: `all.${name}`, description: `Everything a ${level} token can do.` },
    { scope: `all.${name}.read`, description: `Every read of a ${level} token.` },
  ];
  if (level === "instance") {
    vocabulary.push(
      { scope: "all.User", description: "As all.Instance (Losant's user-level scope)." },
      { scope: "all.User.read", description: "As all.Instance.read." },
    );
  }
  const resources = [...new Set(operations.map((operation) => operation.resource))];
  for (const resource of resources) {
    const ofResource = operations.filter((operation) => operation.resource === resource);
    vocabulary.push({ scope: `${resource}.*`, description: `Everything on ${resource}.` });
    if (level === "organization" && ofResource.some((operation) => operation.read)) {
      vocabulary.push({ scope: `${resource}.read`, description: `Every read of ${resource}.` });
    }
    for (const operation of ofResource) {
      vocabulary.push({
        scope: `${resource}.${operation.action}`,
        description: `${resource}.${operation.action}${operation.read ? " (read)" : ""}.`,
      });
    }
  }
  return vocabulary;
}

export const INSTANCE_SCOPES: readonly string[] = scopeVocabulary("instance").map((entry) => entry.scope);
export const ORGANIZATION_SCOPES: readonly string[] = scopeVocabulary("organization").map((entry) => entry.scope);

/** Does a token holding `held` reach `operation`? */
export function scopesAllow(held: readonly string[], operation: ScopedOperation): boolean {
  const accepted = acceptedScopes(operation);
  return held.some((scope) => accepted.includes(scope));
}
