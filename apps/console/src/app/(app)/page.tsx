import { cookies } from "next/headers";
import { redirect } from "next/navigation";

import { LAST_ORG_COOKIE } from "@/lib/redirects";
import { requireSession } from "@/server/session";
import { getQueryClient, trpc } from "@/server/trpc";

/** Home: the organization opened last (if still a member), else the first one, else the first-run page. */
export default async function HomePage() {
  await requireSession();
  const { organizations } = await getQueryClient().fetchQuery(trpc.organizations.list.queryOptions());
  const last = (await cookies()).get(LAST_ORG_COOKIE)?.value;
  const target =
    organizations.find((org) => org.handle === last) ?? organizations.find((org) => org.active) ?? organizations[0];
  redirect(target ? `/orgs/${target.handle}` : "/welcome");
}
