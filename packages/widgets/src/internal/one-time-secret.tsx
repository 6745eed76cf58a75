"use client";

import { useEffect, useRef, type ReactNode } from "react";

import { Button } from "../ui/button";
import { SecretReveal } from "../ui/copy-button";
import { DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "../ui/dialog";

/**
 * The open/close handler of a dialog that creates a secret and then shows it once (API tokens,
 * join codes). The secret lives only in the dialog's state, so closing forgets it (`forget`).
 * Closing is refused only until the secret arrives: the create request's onSuccess may still be
 * refreshing the list after revealing it, and "Done" must work then.
 */
export function oneTimeSecretOpenChange({
  creating,
  revealed,
  forget,
  onOpenChange,
}: {
  creating: boolean;
  revealed: boolean;
  forget: () => void;
  onOpenChange: (open: boolean) => void;
}) {
  return (next: boolean) => {
    if (!next && creating && !revealed) return;
    if (!next) forget();
    onOpenChange(next);
  };
}

/**
 * The dialog step that shows a just-created secret. The form that had focus is gone, so focus
 * moves to the named group holding the secret: keyboard and screen reader users land on it.
 */
export function OneTimeSecretStep({
  title,
  description,
  groupLabel,
  groupClassName,
  doneTestId,
  onDone,
  children,
}: {
  title: ReactNode;
  description: ReactNode;
  /** The accessible name of the group that holds the secret. */
  groupLabel: string;
  groupClassName: string;
  doneTestId?: string;
  onDone: () => void;
  children: ReactNode;
}) {
  const revealRef = useRef<HTMLDivElement>(null);
  useEffect(() => revealRef.current?.focus(), []);

  return (
    <div className="grid min-w-0 gap-4">
      <DialogHeader>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>{description}</DialogDescription>
      </DialogHeader>
      <div ref={revealRef} tabIndex={-1} role="group" aria-label={groupLabel} className={groupClassName}>
        {children}
      </div>
      <DialogFooter>
        <Button type="button" onClick={onDone} data-testid={doneTestId}>
          Done
        </Button>
      </DialogFooter>
    </div>
  );
}

/**
 * An invitation's accept link, shown once (right after inviting, or after resending): the link holds
 * the invitation's token, which the server keeps only hashed.
 */
export function AcceptLinkReveal({ email, url, warning }: { email: string; url: string; warning: string }) {
  return (
    <div data-testid="accept-link" data-email={email}>
      <SecretReveal value={url} label={`Accept link for ${email}`} warning={warning} />
    </div>
  );
}
