import type { Metadata } from "next";

import { ProfileForm } from "@/components/account/profile-form";
import { SecuritySection } from "@/components/account/security-section";
import { ConnectedMyInvitations, ConnectedUserMemberships } from "@/components/connected";
import { PageHeader } from "@/components/page-header";
import { PersonalTokens } from "@/components/personal-tokens";
import { SignOutButton } from "@/components/sign-out-button";
import { requireSession } from "@/server/session";
import { getQueryClient, HydrateClient, trpc } from "@/server/trpc";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireSession();
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.organizations.memberships.listByUser.queryOptions()),
    queryClient.prefetchQuery(trpc.organizations.invitations.mine.queryOptions()),
    queryClient.prefetchQuery(trpc.userTokens.list.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <div className="mx-auto grid max-w-4xl gap-8 px-4 py-10 sm:px-6">
        <PageHeader
          title="Account"
          description="Your profile, password and sessions, your organizations and the invitations waiting for you."
        />
        <ProfileForm user={{ name: user.name, email: user.email }} />
        <SecuritySection />
        <div className="flex justify-end">
          <SignOutButton />
        </div>
        <section aria-labelledby="account-orgs" className="grid gap-3">
          <h2 id="account-orgs" className="text-lg font-semibold tracking-tight">
            Organizations
          </h2>
          <ConnectedUserMemberships />
        </section>
        <section id="invitations" aria-labelledby="account-invitations" className="grid scroll-mt-20 gap-3">
          <h2 id="account-invitations" className="text-lg font-semibold tracking-tight">
            Invitations
          </h2>
          <ConnectedMyInvitations />
        </section>
        <section aria-labelledby="account-tokens" className="grid gap-3">
          <h2 id="account-tokens" className="text-lg font-semibold tracking-tight">
            Personal access tokens
          </h2>
          <p className="text-sm text-muted-foreground">
            For scripts: a token acts as you (list your organizations, create one, accept an invitation) until you
            revoke it. It cannot mint more tokens.
          </p>
          <PersonalTokens />
        </section>
      </div>
    </HydrateClient>
  );
}
