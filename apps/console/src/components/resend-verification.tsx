"use client";

import { useState } from "react";

import { Button } from "@tenancy/widgets/ui/button";

import { authClient } from "@/lib/auth-client";

/** Where the verification link lands, to say whether it worked. */
export const EMAIL_VERIFIED_PATH = "/email-verified";

type Sent = "idle" | "sending" | "sent" | "failed";

/** Asks Better Auth for a fresh verification link (delivered through the outbox), and says what happened. */
export function ResendVerificationButton({
  email,
  devMailbox = false,
  variant = "outline",
}: {
  email: string;
  /** Point to the dev mailbox in the confirmation (it is readable from this machine). */
  devMailbox?: boolean;
  variant?: "outline" | "default";
}) {
  const [state, setState] = useState<Sent>("idle");
  const [problem, setProblem] = useState<string | null>(null);

  async function resend() {
    setState("sending");
    const { error } = await authClient.sendVerificationEmail({ email, callbackURL: EMAIL_VERIFIED_PATH });
    if (error) {
      setProblem(
        error.status === 429
          ? "Too many requests. Wait a minute and try again."
          : error.code === "EMAIL_ALREADY_VERIFIED"
            ? "Your address is already verified. Reload the page."
            : error.message || "Couldn't send the email. Try again.",
      );
      setState("failed");
      return;
    }
    setState("sent");
  }

  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
      <Button
        type="button"
        size="sm"
        variant={variant}
        loading={state === "sending"}
        onClick={() => void resend()}
        data-testid="resend-verification"
      >
        {state === "sent" ? "Send it again" : "Resend verification email"}
      </Button>
      <p role="status" className="text-sm" data-testid="resend-verification-status">
        {state === "sent" ? (
          <>
            Sent to <span className="font-medium">{email}</span>.{" "}
            {devMailbox ? (
              <a className="font-medium underline underline-offset-4" href="/dev/mailbox">
                Open the dev mailbox
              </a>
            ) : (
              "Check your inbox."
            )}
          </>
        ) : state === "failed" ? (
          <span className="text-destructive">{problem}</span>
        ) : null}
      </p>
    </div>
  );
}
