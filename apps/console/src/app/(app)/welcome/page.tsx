import type { Metadata } from "next";

import {
  ConnectedCreateOrganization,
  ConnectedDomainSuggestions,
  ConnectedJoinWithCode,
  ConnectedMyInvitations,
} from "@/components/connected";
import { requireSession } from "@/server/session";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc";

export const metadata: Metadata = { title: "Welcome" };

/** First run: create an organization, or join one you were invited to. */
export default async function WelcomePage() {
  const user = await requireSession();
  await Promise.all([
    getQueryClient().prefetchQuery(trpc.organizations.invitations.mine.queryOptions()),
    getQueryClient().prefetchQuery(trpc.organizations.domains.suggested.queryOptions()),
  ]);
  const firstName = user.name.trim().split(/\s+/)[0] || "there";
  return (
    <HydrateClient>
      <div className="mx-auto grid max-w-5xl gap-8 px-4 py-10 sm:px-6">
        <div className="grid gap-1">
          <h1 className="text-2xl font-semibold tracking-tight">Welcome, {firstName}</h1>
          <p className="text-sm text-muted-foreground">
            Create your first organization, or join one you&apos;ve been invited to.
          </p>
        </div>
        <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,24rem)]">
          <ConnectedCreateOrganization />
          <div className="grid gap-6">
            <ConnectedDomainSuggestions />
            <section aria-labelledby="welcome-invitations" className="grid gap-3">
              <h2 id="welcome-invitations" className="text-sm font-medium text-muted-foreground">
                Invitations for {user.email}
              </h2>
              <ConnectedMyInvitations />
            </section>
            <section aria-labelledby="welcome-code" className="grid gap-3">
              <h2 id="welcome-code" className="text-sm font-medium text-muted-foreground">
                Got a join code?
              </h2>
              <ConnectedJoinWithCode />
            </section>
          </div>
        </div>
      </div>
    </HydrateClient>
  );
}
