import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";

import { BUILT_IN_ROLE_DEFINITIONS, isBuiltInRole } from "@tenancy/api/permissions";
import { OrgAvatar } from "@tenancy/widgets/ui/avatar";
import { Badge } from "@tenancy/widgets/ui/badge";

import { OrgNav } from "@/components/org-nav";
import { PATH_HEADER } from "@/lib/redirects";
import { loadOrganization } from "@/server/organization";
import { orgTabs } from "@/server/org-tabs";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc";

export default async function OrganizationLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ handle: string }>;
}) {
  const { handle } = await params;
  const details = await loadOrganization(handle);
  if (!details) notFound();
  const { organization, role } = details;
  // A custom role's name is the organization's own (the overview page reads the same cached list).
  const roleName = !role
    ? null
    : isBuiltInRole(role)
      ? BUILT_IN_ROLE_DEFINITIONS[role].name
      : ((
          await getQueryClient().fetchQuery(
            trpc.organizations.customRoles.list.queryOptions({ organizationId: organization.id }),
          )
        ).roles.find((r) => r.key === role)?.name ?? role);

  // Links by id (or in another case) land on the canonical /orgs/<handle>/... address.
  if (handle !== organization.handle) {
    const path = (await headers()).get(PATH_HEADER) ?? `/orgs/${handle}`;
    redirect(path.replace(/^\/orgs\/[^/?#]+/, `/orgs/${organization.handle}`));
  }

  return (
    <HydrateClient>
      <div className="border-b border-border" data-testid="org-header">
        <div className="mx-auto max-w-6xl px-4 pt-8 sm:px-6">
          <div className="flex flex-wrap items-center gap-3 pb-5">
            <OrgAvatar name={organization.name} logoUrl={organization.logoUrl} className="size-10 rounded-lg text-sm" />
            <div className="grid min-w-0 gap-0.5">
              <p className="truncate text-xl font-semibold tracking-tight" data-testid="org-name">
                {organization.name}
              </p>
              <p className="truncate font-mono text-xs text-muted-foreground">{organization.handle}</p>
            </div>
            <div className="flex items-center gap-2">
              {roleName ? (
                <Badge variant="outline" data-testid="org-header-role">
                  {roleName}
                </Badge>
              ) : null}
              {!organization.active ? <Badge variant="warning">Inactive</Badge> : null}
            </div>
          </div>
          <OrgNav tabs={orgTabs(details)} overviewHref={`/orgs/${organization.handle}`} />
        </div>
      </div>
      {!organization.active ? (
        <div role="status" className="border-b border-warning/30 bg-warning/10">
          <p className="mx-auto max-w-6xl px-4 py-2 text-sm text-foreground sm:px-6">
            This organization is inactive, so it is read-only: no joins, invitations, token calls or member changes
            until an admin reactivates it in Settings.
          </p>
        </div>
      ) : null}
      <div className="mx-auto max-w-6xl px-4 py-8 sm:px-6">{children}</div>
    </HydrateClient>
  );
}
