import type { Metadata } from "next";

import { ConnectedAcceptInvitation } from "@/components/connected";
import { getQueryClient, getSession, HydrateClient, trpc } from "@/server/trpc";

export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };

/** The accept link from an invitation email. Works signed out: sign in or sign up, then come back here. */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const session = await getSession();
  // The preview is public; a failed one (expired, revoked, ...) is shown by the widget in the browser.
  await getQueryClient().prefetchQuery(trpc.organizations.invitations.preview.queryOptions({ token }));
  return (
    <div className="mx-auto w-full max-w-md pt-6 sm:pt-16">
      <h1 className="sr-only">Invitation</h1>
      <HydrateClient>
        <ConnectedAcceptInvitation
          token={token}
          session={session ? { email: session.email, name: session.name } : null}
        />
      </HydrateClient>
    </div>
  );
}
