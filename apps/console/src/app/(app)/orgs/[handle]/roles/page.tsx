import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { RolesMatrix } from "@tenancy/widgets/RolesMatrix";

import { PageHeader } from "@/components/page-header";
import { loadOrganization } from "@/server/organization";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc";

export const metadata: Metadata = { title: "Roles" };

export default async function RolesPage({ params }: { params: Promise<{ handle: string }> }) {
  const details = await loadOrganization((await params).handle);
  if (!details) notFound();
  const organizationId = details.organization.id;
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.organizations.roles.queryOptions()),
    queryClient.prefetchQuery(trpc.organizations.customRoles.list.queryOptions({ organizationId })),
  ]);
  return (
    <div className="grid gap-6">
      <PageHeader title="Roles" description="What each role can do in this organization, built-in and custom." />
      <HydrateClient>
        <RolesMatrix organizationId={organizationId} />
      </HydrateClient>
    </div>
  );
}
