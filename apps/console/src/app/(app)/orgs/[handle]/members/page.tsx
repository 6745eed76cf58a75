import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { InvitationsTable } from "@tenancy/widgets/InvitationsTable";

import { ConnectedMembersTable } from "@/components/connected";
import { InvitePeopleButton } from "@/components/invite-people";
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
  const canView = can(details, "members:view");
  // Admins invite from here and see who is still to answer, without switching tabs.
  const canInvite = can(details, "invitations:manage");
  const queryClient = getQueryClient();
  // The first pages of both tables (same inputs as the widgets), ready on first paint.
  await Promise.all([
    canView
      ? queryClient.prefetchInfiniteQuery(
          trpc.organizations.members.list.infiniteQueryOptions(
            { organizationId, limit: 20 },
            { getNextPageParam: (page) => page.nextCursor ?? undefined },
          ),
        )
      : null,
    canInvite
      ? queryClient.prefetchInfiniteQuery(
          trpc.organizations.invitations.list.infiniteQueryOptions(
            { organizationId, limit: 20, sortField: "inviteDate", sortDirection: "desc" },
            { getNextPageParam: (page) => page.nextCursor ?? undefined },
          ),
        )
      : null,
  ]);
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Members"
        description="Everyone in this organization and their role."
        actions={
          canInvite ? (
            <InvitePeopleButton organizationId={organizationId} disabled={!details.organization.active} />
          ) : undefined
        }
      />
      {canView ? (
        <HydrateClient>
          <ConnectedMembersTable organizationId={organizationId} currentUserId={user.id} />
          {canInvite ? (
            <section aria-labelledby="members-pending-invitations" className="grid gap-3 pt-4">
              <h2 id="members-pending-invitations" className="text-lg font-semibold tracking-tight">
                Pending invitations
              </h2>
              <InvitationsTable organizationId={organizationId} compact />
            </section>
          ) : null}
        </HydrateClient>
      ) : (
        <NoAccess what="the members" />
      )}
    </div>
  );
}
