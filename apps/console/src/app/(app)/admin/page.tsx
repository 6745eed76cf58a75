import type { Metadata } from "next";

import { AdminArea } from "@/components/admin/admin-area";
import { PageHeader } from "@/components/page-header";
import { requireSession } from "@/server/session";
import { getCaller, HydrateClient } from "@/server/trpc";

export const metadata: Metadata = { title: "Admin" };

/** The instance administrators' area: the instance's organizations and their invitations, its members and API tokens. */
export default async function AdminPage() {
  const user = await requireSession();
  const { instances } = await (await getCaller()).instances.list();
  if (instances.length === 0) {
    return (
      <div className="mx-auto grid max-w-6xl gap-6 px-4 py-8 sm:px-6">
        <PageHeader title="Admin" />
        <div role="status" className="rounded-lg border border-dashed border-border px-6 py-12 text-center">
          <p className="text-sm font-medium">Only instance members see the Admin area</p>
          <p className="mx-auto mt-1 max-w-md text-sm text-muted-foreground">
            An instance owner adds members; the server&apos;s TENANCY_ADMIN_EMAILS makes a verified address an owner of
            the default instance.
          </p>
        </div>
      </div>
    );
  }
  return (
    <div className="mx-auto grid max-w-6xl gap-8 px-4 py-8 sm:px-6">
      <PageHeader
        title="Admin"
        description="Your instance: its organizations (search them, deactivate one, invite people into any of them), its members and its API tokens."
      />
      <HydrateClient>
        <AdminArea
          instances={instances.map((i) => ({ id: i.id, name: i.name, role: i.role }))}
          currentUserId={user.id}
        />
      </HydrateClient>
    </div>
  );
}
