import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { InvitationsTable } from "@tenancy/widgets/InvitationsTable";
import { InviteMembers } from "@tenancy/widgets/InviteMembers";

import { NoAccess } from "@/components/no-access";
import { PageHeader } from "@/components/page-header";
import { can, loadOrganization } from "@/server/organization";

export const metadata: Metadata = { title: "Invitations" };

export default async function InvitationsPage({ params }: { params: Promise<{ handle: string }> }) {
  const details = await loadOrganization((await params).handle);
  if (!details) notFound();
  const organizationId = details.organization.id;
  return (
    <div className="grid gap-6">
      <PageHeader
        title="Invitations"
        description="Invite people by email. Each link works once and only for the address it was sent to."
      />
      {can(details, "invitations:manage") ? (
        <>
          <InviteMembers organizationId={organizationId} />
          <InvitationsTable organizationId={organizationId} />
        </>
      ) : (
        <NoAccess what="invitations" />
      )}
    </div>
  );
}
