import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { JoinCodesPanel } from "@tenancy/widgets/JoinCodesPanel";

import { NoAccess } from "@/components/no-access";
import { PageHeader } from "@/components/page-header";
import { can, loadOrganization } from "@/server/organization";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc";

export const metadata: Metadata = { title: "Join codes" };

export default async function JoinCodesPage({ params }: { params: Promise<{ handle: string }> }) {
  const details = await loadOrganization((await params).handle);
  if (!details) notFound();
  const organizationId = details.organization.id;
  const allowed = can(details, "joinCodes:manage");
  if (allowed) await getQueryClient().prefetchQuery(trpc.organizations.joinCodes.list.queryOptions({ organizationId }));
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Join codes"
        description="Short codes people type at /join to become members, with a role, a use limit and an expiry."
      />
      {allowed ? (
        <HydrateClient>
          <JoinCodesPanel organizationId={organizationId} />
        </HydrateClient>
      ) : (
        <NoAccess what="join codes" />
      )}
    </div>
  );
}
