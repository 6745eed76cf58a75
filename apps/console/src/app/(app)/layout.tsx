import { headers } from "next/headers";
import type { ReactNode } from "react";

import { AppHeader } from "@/components/app-header";
import { VerifyEmailBanner } from "@/components/verify-email-banner";
import { devMailboxVisibleTo } from "@/server/emailWorker";
import { requireSession } from "@/server/session";
import { getCaller, getQueryClient, HydrateClient, trpc } from "@/server/trpc";

/** Everything signed-in users see: the header with the organization switcher and the account menu. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireSession();
  // The switcher's list, ready on first paint.
  await getQueryClient().prefetchQuery(trpc.organizations.list.queryOptions());
  const devMailbox = devMailboxVisibleTo(await headers());
  const caller = await getCaller();
  const [{ operator }, { instances }] = await Promise.all([caller.operators.me(), caller.instances.list()]);
  return (
    <div className="flex min-h-dvh flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-3 focus:z-50 focus:rounded-md focus:bg-background focus:px-3 focus:py-2 focus:shadow"
      >
        Skip to content
      </a>
      <HydrateClient>
        <AppHeader
          user={{ name: user.name, email: user.email }}
          devMailbox={devMailbox}
          operator={operator}
          instanceMember={instances.length > 0}
        />
      </HydrateClient>
      {user.emailVerified ? null : <VerifyEmailBanner email={user.email} devMailbox={devMailbox} />}
      <main id="main" className="flex-1">
        {children}
      </main>
    </div>
  );
}
