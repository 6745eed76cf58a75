import { redirect } from "next/navigation";

import { requireSession } from "@/server/session";
import { getQueryClient, trpc } from "@/server/trpc";

/** Home: the first organization, or the first-run page when there is none yet. */
export default async function HomePage() {
  await requireSession();
  const { organizations } = await getQueryClient().fetchQuery(trpc.organizations.list.queryOptions());
  const first = organizations.find((org) => org.active) ?? organizations[0];
  redirect(first ? `/orgs/${first.handle}` : "/welcome");
}
