"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useState, type ReactNode } from "react";

import { instancePermissionsOfRole } from "@tenancy/api/instance-roles";
import { InstanceMembersTable } from "@tenancy/widgets/InstanceMembersTable";
import { InstanceTokensPanel } from "@tenancy/widgets/InstanceTokensPanel";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@tenancy/widgets/ui/tabs";

const TABS = ["organizations", "members", "tokens"] as const;
type AdminTab = (typeof TABS)[number];

const isAdminTab = (value: string | null): value is AdminTab => TABS.includes(value as AdminTab);

/**
 * The Admin area's sections of one instance: its organizations (`organizations`, rendered by the
 * caller), its members, and its API tokens (owners and admins only: the API refuses viewers). The
 * open tab is in the address (`?tab=members`) so it can be linked to and survives a reload.
 */
export function AdminTabs({
  instanceId,
  role,
  currentUserId,
  organizations,
}: {
  instanceId: string;
  role: string;
  currentUserId: string;
  organizations: ReactNode;
}) {
  const router = useRouter();
  const searchParams = useSearchParams();
  const canSeeTokens = instancePermissionsOfRole(role).includes("instance:tokens");
  const requested = searchParams.get("tab");
  const [tab, setTab] = useState<AdminTab>(isAdminTab(requested) ? requested : "organizations");
  const shown = tab === "tokens" && !canSeeTokens ? "organizations" : tab;

  const select = (value: string) => {
    if (!isAdminTab(value)) return;
    setTab(value);
    const params = new URLSearchParams(window.location.search);
    if (value === "organizations") params.delete("tab");
    else params.set("tab", value);
    const query = params.toString();
    // Next keeps useSearchParams in step with history.replaceState, without a server round trip.
    window.history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
  };

  return (
    <Tabs value={shown} onValueChange={select} className="grid min-w-0 gap-4">
      <TabsList aria-label="Admin sections" className="w-fit">
        <TabsTrigger value="organizations">Organizations</TabsTrigger>
        <TabsTrigger value="members">Members</TabsTrigger>
        {canSeeTokens ? <TabsTrigger value="tokens">API tokens</TabsTrigger> : null}
      </TabsList>
      {/* Kept mounted: the search and the opened organization survive a visit to another tab. */}
      <TabsContent value="organizations" forceMount className="grid gap-8 data-[state=inactive]:hidden">
        {organizations}
      </TabsContent>
      <TabsContent value="members">
        <InstanceMembersTable
          instanceId={instanceId}
          currentUserId={currentUserId}
          // The page's instance list carries my role: read it again after I changed it.
          onOwnAccessChanged={() => router.refresh()}
        />
      </TabsContent>
      {canSeeTokens ? (
        <TabsContent value="tokens">
          <InstanceTokensPanel instanceId={instanceId} />
        </TabsContent>
      ) : null}
    </Tabs>
  );
}
