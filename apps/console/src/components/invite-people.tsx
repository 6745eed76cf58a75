"use client";

import { UserPlus } from "lucide-react";
import { useState } from "react";

import { InviteMembers } from "@tenancy/widgets/InviteMembers";
import { Button } from "@tenancy/widgets/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@tenancy/widgets/ui/dialog";

/** "Invite people" on the members page: the invitation form in a dialog, without leaving the list. */
export function InvitePeopleButton({ organizationId, disabled }: { organizationId: string; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)} disabled={disabled} data-testid="members-invite">
        <UserPlus aria-hidden />
        Invite people
      </Button>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent
          className="max-w-xl border-0 bg-transparent p-0 shadow-none"
          aria-describedby="invite-dialog-description"
        >
          <DialogTitle className="sr-only">Invite people</DialogTitle>
          <DialogDescription id="invite-dialog-description" className="sr-only">
            Invite people to this organization by email, with a role.
          </DialogDescription>
          <InviteMembers organizationId={organizationId} />
        </DialogContent>
      </Dialog>
    </>
  );
}
