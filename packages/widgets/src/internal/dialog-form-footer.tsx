import type { ReactNode } from "react";

import { Button } from "../ui/button";
import { DialogFooter } from "../ui/dialog";

/**
 * The footer of every form dialog: Cancel, then the submit button. Cancel is disabled while the
 * request runs, so a dialog never closes on a write whose outcome it would then not show.
 */
export function DialogFormFooter({
  onCancel,
  pending,
  submitLabel,
  submitTestId,
}: {
  onCancel: () => void;
  pending: boolean;
  submitLabel: ReactNode;
  submitTestId?: string;
}) {
  return (
    <DialogFooter>
      <Button type="button" variant="outline" onClick={onCancel} disabled={pending}>
        Cancel
      </Button>
      <Button type="submit" loading={pending} data-testid={submitTestId}>
        {submitLabel}
      </Button>
    </DialogFooter>
  );
}
