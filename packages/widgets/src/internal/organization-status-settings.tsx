"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";

import { useTRPC } from "../provider";
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
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "../ui/card";
import { ErrorMessage } from "../ui/error-message";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { type OrganizationDetails, useUpdateOrganization } from "./update-organization";

/** The active flag: an inactive organization is read-only until it is reactivated. */
export function StatusSettings({
  organizationRef,
  details,
  canManage,
}: {
  organizationRef: string;
  details: OrganizationDetails;
  canManage: boolean;
}) {
  const [confirmOpen, setConfirmOpen] = useState(false);
  const update = useUpdateOrganization(organizationRef, (updated) => {
    setConfirmOpen(false);
    toast.success(updated.active ? `${updated.name} is active again` : `${updated.name} is now inactive`);
  });
  const { organization } = details;

  function setActive(active: boolean) {
    update.mutate({ organizationId: organization.id, active });
  }

  return (
    <Card data-testid="organization-status-settings">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          Status
          <Badge
            variant="outline"
            className="gap-1.5"
            data-testid="organization-status"
            data-status={organization.active ? "active" : "inactive"}
          >
            <span
              aria-hidden
              className={
                organization.active
                  ? "size-1.5 rounded-full bg-success"
                  : "size-1.5 rounded-full bg-muted-foreground/60"
              }
            />
            {organization.active ? "Active" : "Inactive"}
          </Badge>
        </CardTitle>
        <CardDescription>
          An inactive organization is read-only: members keep their access to view it, but nobody can change its
          members, invitations, join codes or tokens, and its API tokens stop working.
        </CardDescription>
      </CardHeader>
      {update.isError ? (
        <CardContent>
          <ErrorMessage error={update.error} title="Couldn't change the status" />
        </CardContent>
      ) : null}
      {canManage ? (
        <CardFooter>
          {organization.active ? (
            <AlertDialog open={confirmOpen} onOpenChange={setConfirmOpen}>
              <AlertDialogTrigger asChild>
                <Button variant="outline" data-testid="organization-deactivate">
                  Deactivate organization
                </Button>
              </AlertDialogTrigger>
              <AlertDialogContent>
                <AlertDialogHeader>
                  <AlertDialogTitle>Deactivate {organization.name}?</AlertDialogTitle>
                  <AlertDialogDescription>
                    The organization becomes read-only and its API tokens stop working until an owner or admin
                    reactivates it.
                  </AlertDialogDescription>
                </AlertDialogHeader>
                <AlertDialogFooter>
                  <AlertDialogCancel>Cancel</AlertDialogCancel>
                  <Button
                    variant="destructive"
                    loading={update.isPending}
                    onClick={() => setActive(false)}
                    data-testid="organization-deactivate-confirm"
                  >
                    Deactivate
                  </Button>
                </AlertDialogFooter>
              </AlertDialogContent>
            </AlertDialog>
          ) : (
            <Button loading={update.isPending} onClick={() => setActive(true)} data-testid="organization-reactivate">
              Reactivate organization
            </Button>
          )}
        </CardFooter>
      ) : null}
    </Card>
  );
}

/** Deleting the organization, confirmed by typing its handle. */
export function DeleteOrganization({
  organization,
  onDeleted,
}: {
  organization: OrganizationDetails["organization"];
  onDeleted: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const remove = useMutation(
    trpc.organizations.delete.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.organizations.list.queryKey() });
        setOpen(false);
        toast.success(`Deleted ${organization.name}`);
        onDeleted();
      },
    }),
  );
  const confirmed = typed.trim().toLowerCase() === organization.handle;

  return (
    <Card className="border-destructive/40" data-testid="organization-danger-zone">
      <CardHeader>
        <CardTitle>Delete organization</CardTitle>
        <CardDescription>
          Permanently deletes {organization.name} with its memberships, invitations, join codes and API tokens. The
          audit trail is kept. This cannot be undone.
        </CardDescription>
      </CardHeader>
      <CardFooter>
        <AlertDialog
          open={open}
          onOpenChange={(next) => {
            setOpen(next);
            if (!next) {
              setTyped("");
              remove.reset();
            }
          }}
        >
          <AlertDialogTrigger asChild>
            <Button variant="destructive" data-testid="organization-delete">
              Delete organization
            </Button>
          </AlertDialogTrigger>
          <AlertDialogContent>
            <form
              className="grid gap-4"
              onSubmit={(event) => {
                event.preventDefault();
                if (confirmed) remove.mutate({ organizationId: organization.id });
              }}
            >
              <AlertDialogHeader>
                <AlertDialogTitle>Delete {organization.name}?</AlertDialogTitle>
                <AlertDialogDescription>
                  Everyone loses access and its API tokens stop working immediately. This cannot be undone.
                </AlertDialogDescription>
              </AlertDialogHeader>
              <Field
                label={
                  <>
                    Type <span className="font-mono font-semibold">{organization.handle}</span> to confirm
                  </>
                }
              >
                <Input
                  autoComplete="off"
                  autoCapitalize="none"
                  spellCheck={false}
                  value={typed}
                  onChange={(event) => setTyped(event.target.value)}
                  data-testid="organization-delete-confirm-input"
                />
              </Field>
              {remove.isError ? <ErrorMessage error={remove.error} title="Couldn't delete the organization" /> : null}
              <AlertDialogFooter>
                <AlertDialogCancel type="button">Cancel</AlertDialogCancel>
                <Button
                  type="submit"
                  variant="destructive"
                  disabled={!confirmed}
                  loading={remove.isPending}
                  data-testid="organization-delete-confirm"
                >
                  Delete this organization
                </Button>
              </AlertDialogFooter>
            </form>
          </AlertDialogContent>
        </AlertDialog>
      </CardFooter>
    </Card>
  );
}
