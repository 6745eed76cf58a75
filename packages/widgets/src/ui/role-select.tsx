"use client";

import { useQuery } from "@tanstack/react-query";
import { BUILT_IN_ROLE_DEFINITIONS, BUILT_IN_ROLES, isBuiltInRole } from "@tenancy/api/permissions";

import { useTRPC } from "../provider";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "./select";

/** A built-in role's name; a custom role's key (use `useRoleNames` where the organization's names are at hand). */
export function roleLabel(role: string): string {
  return isBuiltInRole(role) ? BUILT_IN_ROLE_DEFINITIONS[role].name : role;
}

interface RoleOption {
  key: string;
  name: string;
  permissions: readonly string[];
}

const BUILT_IN_OPTIONS: RoleOption[] = BUILT_IN_ROLES.map((key) => ({ key, ...BUILT_IN_ROLE_DEFINITIONS[key] }));

/** The organization's roles (built-in, then custom), from the cached `customRoles.list`. */
export function useOrganizationRoles(organizationId: string): RoleOption[] {
  const trpc = useTRPC();
  const roles = useQuery({
    ...trpc.organizations.customRoles.list.queryOptions({ organizationId }),
    staleTime: 30_000,
  });
  return roles.data?.roles ?? BUILT_IN_OPTIONS;
}

/** role key → its name in the organization (custom roles included). */
export function useRoleNames(organizationId: string): (role: string) => string {
  const roles = useOrganizationRoles(organizationId);
  return (role) => roles.find((r) => r.key === role)?.name ?? roleLabel(role);
}

/**
 * Role picker listing the organization's roles that the caller may grant: within their own
 * permissions (the server's grant rule; `permissions` from `organizations.get`), and "Owner" only
 * when `allowOwner`. The current value stays listed so it displays.
 */
export function RoleSelect({
  organizationId,
  value,
  onValueChange,
  allowOwner = true,
  permissions,
  exclude,
  disabled,
  "aria-label": ariaLabel = "Role",
  "aria-describedby": describedBy,
  id,
  className,
}: {
  organizationId: string;
  value: string;
  onValueChange: (role: string) => void;
  allowOwner?: boolean;
  /** The caller's permissions: roles with more are not offered. */
  permissions?: readonly string[];
  /** A role not to offer (the one being deleted). */
  exclude?: string;
  disabled?: boolean;
  "aria-label"?: string;
  "aria-describedby"?: string;
  id?: string;
  className?: string;
}) {
  const roles = useOrganizationRoles(organizationId);
  const grantable = roles.filter(
    (role) =>
      role.key !== exclude &&
      (role.key === value ||
        ((allowOwner || role.key !== "owner") &&
          (!permissions || role.permissions.every((p) => permissions.includes(p))))),
  );
  return (
    <Select value={value} onValueChange={onValueChange} disabled={disabled}>
      <SelectTrigger id={id} aria-label={ariaLabel} aria-describedby={describedBy} className={className ?? "w-40"}>
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        {grantable.map((role) => (
          <SelectItem key={role.key} value={role.key}>
            {role.name}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}
