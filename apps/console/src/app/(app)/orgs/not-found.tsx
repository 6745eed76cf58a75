import Link from "next/link";

import { buttonVariants } from "@tenancy/widgets/ui/button";

/** Unknown organization, or one you are not a member of: the same answer, so nothing leaks. */
export default function OrganizationNotFound() {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center gap-3 px-4 py-20 text-center">
      <p className="text-sm font-medium text-muted-foreground">404</p>
      <h1 className="text-2xl font-semibold tracking-tight">Organization not found</h1>
      <p className="text-sm text-muted-foreground">
        It doesn&apos;t exist, or you&apos;re not a member of it. If someone invited you, open the link from your
        invitation.
      </p>
      <div className="mt-2 flex gap-2">
        <Link href="/" className={buttonVariants()}>
          Go to my organizations
        </Link>
        <Link href="/join" className={buttonVariants({ variant: "outline" })}>
          Join with a code
        </Link>
      </div>
    </div>
  );
}
