import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { LICENSING_PERMISSIONS } from "@tenancy/api/licensing";
import { DeploymentsTable } from "@tenancy/widgets/DeploymentsTable";
import { LicenseSummary } from "@tenancy/widgets/LicenseSummary";

import { NoAccess } from "@/components/no-access";
import { PageHeader } from "@/components/page-header";
import { can, loadOrganization } from "@/server/organization";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc";

export const metadata: Metadata = { title: "Plan" };

export default async function PlanPage({ params }: { params: Promise<{ handle: string }> }) {
  const details = await loadOrganization((await params).handle);
  if (!details) notFound();
  const organizationId = details.organization.id;
  const allowed = can(details, LICENSING_PERMISSIONS.view);
  if (allowed) {
    const queryClient = getQueryClient();
    await Promise.all([
      queryClient.prefetchQuery(trpc.organizations.license.get.queryOptions({ organizationId })),
      queryClient.prefetchQuery(trpc.organizations.deployments.list.queryOptions({ organizationId })),
    ]);
  }
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Plan"
        description="The plan this organization is on, how many of its seats are used, and its deployments."
      />
      {allowed ? (
        <HydrateClient>
          <LicenseSummary organizationId={organizationId} />
          <section className="grid gap-3" aria-labelledby="deployments-heading">
            <h2 id="deployments-heading" className="text-lg font-semibold tracking-tight">
              Deployments
            </h2>
            <DeploymentsTable organizationId={organizationId} />
          </section>
        </HydrateClient>
      ) : (
        <NoAccess what="the plan" />
      )}
    </div>
  );
}
