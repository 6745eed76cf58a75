import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { ConnectedMembersTable } from "@/components/connected";
import { NoAccess } from "@/components/no-access";
import { PageHeader } from "@/components/page-header";
import { can, loadOrganization } from "@/server/organization";
import { requireSession } from "@/server/session";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ handle: string }> }) {
  const user = await requireSession();
  const details = await loadOrganization((await params).handle);
  if (!details) notFound();
  const organizationId = details.organization.id;
  if (can(details, "members:view")) {
    // The table's first page (same input as the widget: 20 per page, no search).
    await getQueryClient().prefetchInfiniteQuery(
      trpc.organizations.members.list.infiniteQueryOptions(
        { organizationId, limit: 20 },
        { getNextPageParam: (page) => page.nextCursor ?? undefined },
      ),
    );
  }
  return (
    <div className="grid gap-6">
      <PageHeader title="Members" description="Everyone in this organization and their role." />
      {can(details, "members:view") ? (
        <HydrateClient>
          <ConnectedMembersTable organizationId={organizationId} currentUserId={user.id} />
        </HydrateClient>
      ) : (
        <NoAccess what="members" />
      )}
    </div>
  );
}
