import Link from "next/link";

import { buttonVariants } from "@tenancy/widgets/ui/button";

import { Logo } from "@/components/logo";

export default function NotFound() {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="px-6 py-5">
        <Logo />
      </header>
      <main className="mx-auto flex max-w-md flex-1 flex-col items-center justify-center gap-3 px-4 pb-24 text-center">
        <p className="text-sm font-medium text-muted-foreground">404</p>
        <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
        <p className="text-sm text-muted-foreground">There&apos;s nothing at this address.</p>
        <Link href="/" className={`${buttonVariants()} mt-2`}>
          Go home
        </Link>
      </main>
    </div>
  );
}
