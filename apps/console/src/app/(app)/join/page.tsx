import type { Metadata } from "next";

import { ConnectedJoinWithCode } from "@/components/connected";
import { requireSession } from "@/server/session";

export const metadata: Metadata = { title: "Join an organization" };

/** Join with a code someone shared (`/join?code=...` prefills it). */
export default async function JoinPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSession();
  const { code } = await searchParams;
  return (
    <div className="mx-auto grid max-w-md gap-6 px-4 py-12 sm:px-6">
      <div className="grid gap-1 text-center">
        <h1 className="text-2xl font-semibold tracking-tight">Join an organization</h1>
        <p className="text-sm text-muted-foreground">Enter the code an admin shared with you.</p>
      </div>
      <ConnectedJoinWithCode initialCode={typeof code === "string" ? code : undefined} />
    </div>
  );
}
