// Every action the audit log records. Client-safe: the audit log's filter and its sentences use it,
// and recordAudit accepts only these, so the list cannot drift from what is written.

export const AUDIT_ACTION_GROUPS = {
  organization: [
    "organization.created",
    "organization.updated",
    "organization.deleted",
    "organization.logo_updated",
    "organization.logo_removed",
    "organization.deactivated",
    "organization.reactivated",
  ],
  member: ["member.added", "member.removed", "member.role_changed", "member.left", "member.joined_by_domain"],
  invitation: ["invitation.created", "invitation.revoked", "invitation.accepted", "invitation.declined"],
  join_code: ["join_code.created", "join_code.revoked", "join_code.redeemed"],
  role: ["role.created", "role.updated", "role.deleted"],
  api_token: ["api_token.created", "api_token.revoked"],
  domain: ["domain.added", "domain.verified", "domain.policy_changed", "domain.removed"],
  license: [
    "license.assigned",
    "license.unassigned",
    "license.issued",
    "license.revoked",
    "plan.created",
    "plan.updated",
  ],
  deployment: ["deployment.activated", "deployment.deactivated"],
} as const;

export type AuditActionGroup = keyof typeof AUDIT_ACTION_GROUPS;
export type AuditAction = (typeof AUDIT_ACTION_GROUPS)[AuditActionGroup][number];

export const AUDIT_ACTIONS = Object.values(AUDIT_ACTION_GROUPS).flat() as AuditAction[];
export const AUDIT_ACTION_GROUP_NAMES = Object.keys(AUDIT_ACTION_GROUPS) as AuditActionGroup[];

/**
 * What the instance trail records (instances.audit): kept apart from the organization log's groups,
 * whose filter would otherwise offer actions no organization log holds.
 */
export const INSTANCE_AUDIT_ACTIONS = [
  "instance.created",
  "instance_member.added",
  "instance_member.role_changed",
  "instance_member.removed",
  "instance_token.created",
  "instance_token.revoked",
] as const;
export type InstanceAuditAction = (typeof INSTANCE_AUDIT_ACTIONS)[number];
