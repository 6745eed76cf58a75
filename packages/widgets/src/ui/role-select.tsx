"use client";

import { ROLES, type OrgRole } from "@tenancy/api/permissions";

import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "./select";

const ROLE_LABELS: Record<OrgRole, string> = { owner: "Owner", admin: "Admin", member: "Member", viewer: "Viewer" };

export function roleLabel(role: string): string {
  return ROLE_LABELS[role as OrgRole] ?? role;
}

/** Role picker; `allowOwner` false hides "Owner" for callers who may not grant it. */
export function RoleSelect({
  value,
  onValueChange,
  allowOwner = true,
  disabled,
  "aria-label": ariaLabel = "Role",
  "aria-describedby": describedBy,
  id,
  className,
}: {
  value: OrgRole;
  onValueChange: (role: OrgRole) => void;
  allowOwner?: boolean;
  disabled?: boolean;
  "aria-label"?: string;
  "aria-describedby"?: string;
  id?: string;
  className?: string;
}) {
  return (
    <Select value={value} onValueChange={(v) => onValueChange(v as OrgRole)} disabled={disabled}>
      <SelectTrigger id={id} aria-label={ariaLabel} aria-describedby={describedBy} className={className ?? "w-36"}>
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        {ROLES.filter((role) => allowOwner || role !== "owner").map((role) => (
          <SelectItem key={role} value={role}>
            {ROLE_LABELS[role]}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}
