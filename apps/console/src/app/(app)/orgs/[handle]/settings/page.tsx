import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { ConnectedOrganizationSettings } from "@/components/connected";
import { NoAccess } from "@/components/no-access";
import { PageHeader } from "@/components/page-header";
import { can, loadOrganization } from "@/server/organization";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ handle: string }> }) {
  const details = await loadOrganization((await params).handle);
  if (!details) notFound();
  return (
    <div className="grid gap-6">
      <PageHeader title="Settings" description="Name, handle, description and status of this organization." />
      {can(details, "org:manage") ? (
        <ConnectedOrganizationSettings organizationId={details.organization.id} />
      ) : (
        <NoAccess what="the settings" action="change" />
      )}
    </div>
  );
}
