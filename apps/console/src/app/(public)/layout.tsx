import type { ReactNode } from "react";

import { Logo } from "@/components/logo";

/** Pages reachable without an account: the accept link, the email verification result and the dev mailbox. */
export default function PublicLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col bg-muted/40">
      <header className="px-6 py-5">
        <Logo />
      </header>
      <main id="main" className="flex-1 px-4 pb-16">
        {children}
      </main>
    </div>
  );
}
