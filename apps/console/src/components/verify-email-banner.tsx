import { MailWarning } from "lucide-react";

import { ResendVerificationButton } from "./resend-verification";

/**
 * Shown on every signed-in page until the address is verified. Signing in works meanwhile, but what
 * was sent to the address (invitations listed under it, being added to an org by email) waits for
 * the proof that the mailbox is the user's.
 */
export function VerifyEmailBanner({ email, devMailbox }: { email: string; devMailbox: boolean }) {
  return (
    <section
      aria-label="Email verification"
      className="border-b border-warning/30 bg-warning/10"
      data-testid="verify-email-banner"
    >
      <div className="mx-auto flex max-w-6xl flex-wrap items-start gap-x-6 gap-y-3 px-4 py-3 sm:px-6">
        <div className="flex min-w-0 flex-1 items-start gap-3">
          <MailWarning className="mt-0.5 size-5 shrink-0 text-warning" aria-hidden />
          <div className="grid gap-0.5 text-sm">
            <p className="font-medium">Verify your email address</p>
            <p className="text-muted-foreground">
              We sent a link to <span className="font-medium text-foreground">{email}</span>. Until you open it,
              invitations sent to this address aren&apos;t listed here and admins can&apos;t add you by email. An
              invitation link from an email still works, and accepting it verifies your address.
            </p>
          </div>
        </div>
        <ResendVerificationButton email={email} devMailbox={devMailbox} />
      </div>
    </section>
  );
}
