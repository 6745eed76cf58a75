import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { AuditLog } from "@tenancy/widgets/AuditLog";

import { NoAccess } from "@/components/no-access";
import { PageHeader } from "@/components/page-header";
import { can, loadOrganization } from "@/server/organization";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ params }: { params: Promise<{ handle: string }> }) {
  const details = await loadOrganization((await params).handle);
  if (!details) notFound();
  const organizationId = details.organization.id;
  const allowed = can(details, "audit:view");
  // Same input as the widget's first page (25 events).
  if (allowed)
    await getQueryClient().prefetchInfiniteQuery(
      trpc.organizations.audit.list.infiniteQueryOptions(
        { organizationId, limit: 25 },
        { getNextPageParam: (page) => page.nextCursor ?? undefined },
      ),
    );
  return (
    <div className="grid gap-6">
      <PageHeader title="Audit log" description="Every change to this organization: who, what and when." />
      {allowed ? (
        <HydrateClient>
          <AuditLog organizationId={organizationId} />
        </HydrateClient>
      ) : (
        <NoAccess what="the audit log" />
      )}
    </div>
  );
}
