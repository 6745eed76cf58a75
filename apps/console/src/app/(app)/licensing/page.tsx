import type { Metadata } from "next";

import { IssueLicense } from "@/components/licensing/issue-license";
import { LicensesTable } from "@/components/licensing/licenses-table";
import { PlansPanel } from "@/components/licensing/plans-panel";
import { PageHeader } from "@/components/page-header";
import { requireSession } from "@/server/session";
import { getCaller, getQueryClient, HydrateClient, trpc } from "@/server/trpc";

export const metadata: Metadata = { title: "Licensing" };

/** The platform operators' page: issue licenses, keep the plan catalogue, see who holds what. */
export default async function LicensingPage() {
  await requireSession();
  const { operator } = await (await getCaller()).operators.me();
  if (!operator) {
    return (
      <div className="mx-auto grid max-w-6xl gap-6 px-4 py-8 sm:px-6">
        <PageHeader title="Licensing" />
        <div role="status" className="rounded-lg border border-dashed border-border px-6 py-12 text-center">
          <p className="text-sm font-medium">Only platform operators can issue licenses</p>
          <p className="mx-auto mt-1 max-w-md text-sm text-muted-foreground">
            Operators are the owners and admins of the default instance (the server&apos;s TENANCY_ADMIN_EMAILS or
            TENANCY_OPERATOR_EMAILS make a verified address one).
          </p>
        </div>
      </div>
    );
  }
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.plans.list.queryOptions()),
    queryClient.prefetchQuery(trpc.plans.list.queryOptions({ includeArchived: true })),
    queryClient.prefetchQuery(trpc.licenses.list.queryOptions({ limit: 100 })),
  ]);
  return (
    <div className="mx-auto grid max-w-6xl gap-8 px-4 py-8 sm:px-6">
      <PageHeader
        title="Licensing"
        description="Issue license keys for your plans, see which organization holds each license, and keep the plan catalogue."
      />
      <HydrateClient>
        <IssueLicense />
        <LicensesTable />
        <PlansPanel />
      </HydrateClient>
    </div>
  );
}
