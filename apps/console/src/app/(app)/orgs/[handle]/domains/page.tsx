import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { VerifiedDomains } from "@tenancy/widgets/VerifiedDomains";

import { NoAccess } from "@/components/no-access";
import { PageHeader } from "@/components/page-header";
import { can, loadOrganization } from "@/server/organization";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc";

export const metadata: Metadata = { title: "Domains" };

export default async function DomainsPage({ params }: { params: Promise<{ handle: string }> }) {
  const details = await loadOrganization((await params).handle);
  if (!details) notFound();
  const organizationId = details.organization.id;
  const allowed = can(details, "domains:manage");
  if (allowed) await getQueryClient().prefetchQuery(trpc.organizations.domains.list.queryOptions({ organizationId }));
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Verified domains"
        description="Prove your team's email domain, then let people with addresses there find or join this organization."
      />
      {allowed ? (
        <HydrateClient>
          <VerifiedDomains organizationId={organizationId} />
        </HydrateClient>
      ) : (
        <NoAccess what="the verified domains" action="change" />
      )}
    </div>
  );
}
