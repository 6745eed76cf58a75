import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { ApiTokensPanel } from "@tenancy/widgets/ApiTokensPanel";

import { NoAccess } from "@/components/no-access";
import { PageHeader } from "@/components/page-header";
import { can, loadOrganization } from "@/server/organization";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage({ params }: { params: Promise<{ handle: string }> }) {
  const details = await loadOrganization((await params).handle);
  if (!details) notFound();
  const organizationId = details.organization.id;
  const allowed = can(details, "tokens:manage");
  if (allowed) await getQueryClient().prefetchQuery(trpc.organizations.tokens.list.queryOptions({ organizationId }));
  return (
    <div className="grid gap-6">
      <PageHeader
        title="API tokens"
        description="Tokens act on this organization only. The secret is shown once, when you create the token."
      />
      {allowed ? (
        <HydrateClient>
          <ApiTokensPanel organizationId={organizationId} />
        </HydrateClient>
      ) : (
        <NoAccess what="API tokens" />
      )}
    </div>
  );
}
