import { LICENSING_PERMISSIONS } from "@tenancy/api/licensing";
import type { Permission } from "@tenancy/api/permissions";

import type { OrgTab } from "@/components/org-nav";

import type { OrganizationDetails } from "./organization";

const SECTIONS: { page: string; label: string; permission: Permission | null }[] = [
  { page: "", label: "Overview", permission: "org:view" },
  { page: "members", label: "Members", permission: "members:view" },
  { page: "invitations", label: "Invitations", permission: "invitations:manage" },
  { page: "join-codes", label: "Join codes", permission: "joinCodes:manage" },
  { page: "tokens", label: "API tokens", permission: "tokens:manage" },
  { page: "roles", label: "Roles", permission: null },
  { page: "plan", label: "Plan", permission: LICENSING_PERMISSIONS.view },
  { page: "audit", label: "Audit log", permission: "audit:view" },
  { page: "domains", label: "Domains", permission: "domains:manage" },
  { page: "settings", label: "Settings", permission: "org:manage" },
];

/** The sections this member may open. */
export function orgTabs(details: OrganizationDetails): OrgTab[] {
  const base = `/orgs/${details.organization.handle}`;
  return SECTIONS.filter((s) => s.permission === null || details.permissions.includes(s.permission)).map((s) => ({
    href: s.page ? `${base}/${s.page}` : base,
    label: s.label,
  }));
}
