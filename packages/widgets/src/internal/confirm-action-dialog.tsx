"use client";

import { useRef, useState, type ReactElement, type ReactNode } from "react";

import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "../ui/alert-dialog";
import { Button } from "../ui/button";
import { ErrorMessage } from "../ui/error-message";

/**
 * A destructive action behind an "Are you sure?" dialog (revoke, leave). The dialog stays open while
 * the action runs and when it fails, so the error is read in context; it closes only on success.
 * If the trigger is gone by then (e.g. a revoked row loses its Revoke button), focus moves to
 * `fallbackFocus` instead of being dropped on <body>.
 */
export function ConfirmActionDialog({
  trigger,
  title,
  description,
  confirmLabel,
  onConfirm,
  pending,
  error,
  errorText,
  onReset,
  fallbackFocus,
  confirmTestId,
}: {
  /** The button that opens the dialog. */
  trigger: ReactElement;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: string;
  /** Runs the action; resolve to close the dialog, reject to keep it open with `error` shown. */
  onConfirm: () => Promise<unknown>;
  pending: boolean;
  error: unknown;
  /** Overrides the generic wording of `error` when the context allows a more specific sentence. */
  errorText?: (error: unknown) => string | undefined;
  /** Clears the last error when the dialog is reopened. */
  onReset?: () => void;
  fallbackFocus?: () => HTMLElement | null | undefined;
  confirmTestId?: string;
}) {
  const [open, setOpen] = useState(false);
  const triggerRef = useRef<HTMLSpanElement>(null);
  const specificError = error && errorText ? errorText(error) : undefined;

  return (
    <AlertDialog
      open={open}
      onOpenChange={(next) => {
        if (pending) return;
        if (next) onReset?.();
        setOpen(next);
      }}
    >
      <span ref={triggerRef} className="contents">
        <AlertDialogTrigger asChild>{trigger}</AlertDialogTrigger>
      </span>
      <AlertDialogContent
        onCloseAutoFocus={(event) => {
          const button = triggerRef.current?.querySelector("button");
          if (button && button.isConnected && !button.disabled) return;
          const target = fallbackFocus?.();
          if (target) {
            event.preventDefault();
            target.focus();
          }
        }}
      >
        <AlertDialogHeader>
          <AlertDialogTitle>{title}</AlertDialogTitle>
          <AlertDialogDescription>{description}</AlertDialogDescription>
        </AlertDialogHeader>
        <ErrorMessage error={specificError !== undefined ? { message: specificError } : error} />
        <AlertDialogFooter>
          <AlertDialogCancel disabled={pending}>Cancel</AlertDialogCancel>
          <Button
            type="button"
            variant="destructive"
            loading={pending}
            data-testid={confirmTestId}
            onClick={async () => {
              try {
                await onConfirm();
                setOpen(false);
              } catch {
                // The caller's mutation state carries the error; the dialog shows it and stays open.
              }
            }}
          >
            {confirmLabel}
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
