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
  await getQueryClient().prefetchQuery(trpc.organizations.roles.queryOptions());
  return (
    <div className="grid gap-6">
      <PageHeader title="Roles" description="What each role can do in an organization." />
      <HydrateClient>
        <RolesMatrix />
      </HydrateClient>
    </div>
  );
}
