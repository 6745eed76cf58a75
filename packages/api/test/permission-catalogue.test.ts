import { describe, expect, it } from "vitest";

import {
  API_TOKEN_PERMISSIONS,
  BUILT_IN_ROLE_DEFINITIONS,
  BUILT_IN_ROLES,
  PERMISSION_INFO,
  PERMISSIONS,
  permissionsOfRole,
} from "../src/domain/permissions";
import { appRouter } from "../src/root";
import { resolvesOrganizationAccess, type ApiMeta } from "../src/trpc";

// Issue 10 split the coarse keys into finer ones (invitations:manage, joinCodes:manage, license:*,
// deployments:manage, roles:manage). The built-in roles and API tokens must be able to call exactly
// the procedures they could before: this is the matrix and the procedure → permission table as they
// were (main at 01a0387, plus domains:manage and the logo procedures that landed since), and the proof
// that who may call what did not change.

const CALLERS = [...BUILT_IN_ROLES, "api_token"] as const;
type Caller = (typeof CALLERS)[number];

const BEFORE_ROLE_PERMISSIONS: Record<Caller, readonly string[]> = {
  owner: [
    "org:view",
    "org:manage",
    "org:delete",
    "members:view",
    "members:manage",
    "tokens:manage",
    "audit:view",
    "domains:manage",
  ],
  admin: ["org:view", "org:manage", "members:view", "members:manage", "tokens:manage", "audit:view"],
  member: ["org:view", "members:view"],
  viewer: ["org:view"],
  api_token: ["org:view", "org:manage", "members:view", "members:manage", "audit:view"],
};

const BEFORE_PROCEDURE_PERMISSION: Record<string, string> = {
  "organizations.get": "org:view",
  "organizations.update": "org:manage",
  "organizations.delete": "org:delete",
  "organizations.members.list": "members:view",
  "organizations.members.add": "members:manage",
  "organizations.members.remove": "members:manage",
  "organizations.members.setRole": "members:manage",
  "organizations.members.leave": "org:view",
  "organizations.invitations.create": "members:manage",
  "organizations.invitations.resend": "members:manage",
  "organizations.invitations.list": "members:manage",
  "organizations.invitations.revoke": "members:manage",
  "organizations.joinCodes.create": "members:manage",
  "organizations.joinCodes.list": "members:manage",
  "organizations.joinCodes.revoke": "members:manage",
  "organizations.tokens.create": "tokens:manage",
  "organizations.tokens.list": "tokens:manage",
  "organizations.tokens.revoke": "tokens:manage",
  "organizations.audit.list": "audit:view",
  "organizations.license.get": "org:view",
  "organizations.license.assign": "org:delete",
  "organizations.license.unassign": "org:delete",
  "organizations.deployments.list": "org:view",
  "organizations.deployments.deactivate": "org:manage",
  "organizations.logo.set": "org:manage",
  "organizations.logo.remove": "org:manage",
  "organizations.domains.list": "domains:manage",
  "organizations.domains.add": "domains:manage",
  "organizations.domains.verify": "domains:manage",
  "organizations.domains.update": "domains:manage",
  "organizations.domains.remove": "domains:manage",
};

/** Procedures that did not exist before, and who may call them now. */
const NEW_PROCEDURES: Record<string, readonly Caller[]> = {
  "organizations.customRoles.list": ["owner", "admin", "member", "viewer", "api_token"],
  "organizations.customRoles.create": ["owner", "admin", "api_token"],
  "organizations.customRoles.update": ["owner", "admin", "api_token"],
  "organizations.customRoles.delete": ["owner", "admin", "api_token"],
};

const permissionsNow = (caller: Caller) => (caller === "api_token" ? API_TOKEN_PERMISSIONS : permissionsOfRole(caller));

interface AnyProcedure {
  _def: { middlewares: readonly object[]; meta?: ApiMeta };
}

const orgProcedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>)
  .filter(([, procedure]) => resolvesOrganizationAccess(procedure))
  .map(([path, procedure]) => ({ path, permission: procedure._def.meta!.permission! }));

describe("the permission catalogue", () => {
  it("describes every key, and the built-in roles and API tokens use only its keys", () => {
    for (const key of PERMISSIONS) {
      expect(PERMISSION_INFO[key].label.length, key).toBeGreaterThan(0);
      expect(PERMISSION_INFO[key].description.length, key).toBeGreaterThan(0);
    }
    for (const caller of CALLERS) for (const p of permissionsNow(caller)) expect(PERMISSIONS).toContain(p);
    // Today's keys keep existing (custom roles and token powers name them).
    for (const caller of CALLERS) for (const p of BEFORE_ROLE_PERMISSIONS[caller]) expect(PERMISSIONS).toContain(p);
  });

  it("gives the built-in roles and API tokens the same effective powers as before the finer keys", () => {
    expect(orgProcedures.map((p) => p.path).sort()).toEqual(
      [...Object.keys(BEFORE_PROCEDURE_PERMISSION), ...Object.keys(NEW_PROCEDURES)].sort(),
    );
    for (const { path, permission } of orgProcedures) {
      const now = CALLERS.filter((caller) => permissionsNow(caller).includes(permission));
      const before = BEFORE_PROCEDURE_PERMISSION[path];
      const expected = before
        ? CALLERS.filter((caller) => BEFORE_ROLE_PERMISSIONS[caller].includes(before))
        : NEW_PROCEDURES[path];
      expect(now, `${path} (needs ${permission})`).toEqual(expected);
    }
  });

  it("moved each procedure to its finest key", () => {
    const needs = Object.fromEntries(orgProcedures.map((p) => [p.path, p.permission]));
    expect(needs).toMatchObject({
      "organizations.invitations.create": "invitations:manage",
      "organizations.invitations.list": "invitations:manage",
      "organizations.joinCodes.create": "joinCodes:manage",
      "organizations.joinCodes.revoke": "joinCodes:manage",
      "organizations.license.get": "license:view",
      "organizations.license.assign": "license:manage",
      "organizations.deployments.list": "license:view",
      "organizations.deployments.deactivate": "deployments:manage",
      "organizations.customRoles.create": "roles:manage",
    });
  });

  it("keeps owner above every other role, and org:view in every one", () => {
    expect(BUILT_IN_ROLE_DEFINITIONS.owner.permissions).toEqual(PERMISSIONS);
    for (const role of BUILT_IN_ROLES) expect(permissionsOfRole(role)).toContain("org:view");
    // A custom role's stored permissions count, unknown keys ignored; an unknown role has none.
    expect(permissionsOfRole("support", ["audit:view", "gone:key", "org:view"])).toEqual(["org:view", "audit:view"]);
    expect(permissionsOfRole("support", null)).toEqual([]);
  });
});
