"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";
import { checkLogo, LOGO_MAX_BYTES, LOGO_TYPES } from "@tenancy/api/images";
import { AlertTriangle } from "lucide-react";
import { useId, useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { handleBlocksSubmit, HandleAvailabilityStatus, useHandleAvailability } from "./internal/handle-availability";
import {
  OrganizationDescriptionTextarea,
  OrganizationHandleInput,
  OrganizationNameInput,
} from "./internal/organization-fields";
import { organizationFormErrors } from "./internal/organization-form-errors";
import { errorMessage } from "./errors";
import { useTRPC } from "./provider";
import { OrgAvatar } from "./ui/avatar";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "./ui/alert-dialog";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "./ui/card";
import { ErrorMessage } from "./ui/error-message";
import { Field } from "./ui/field";
import { Input } from "./ui/input";
import { Skeleton } from "./ui/skeleton";

export interface OrganizationSettingsProps {
  /** Id or handle of the organization. */
  organizationId: string;
  onDeleted: () => void;
  /** Called after the handle changed, so the host can move to the new URL. */
  onHandleChanged?: (handle: string) => void;
  /** Called after the logo changed or was removed, so the host can refresh what it rendered itself. */
  onLogoChanged?: () => void;
}

type OrganizationDetails = inferRouterOutputs<AppRouter>["organizations"]["get"];

/** General settings, the active flag and deletion, each shown only as far as the caller's role allows. */
export function OrganizationSettings({
  organizationId,
  onDeleted,
  onHandleChanged,
  onLogoChanged,
}: OrganizationSettingsProps) {
  const trpc = useTRPC();
  const details = useQuery(trpc.organizations.get.queryOptions({ organizationId }));

  if (details.isPending) {
    return (
      <div role="status" aria-label="Loading settings" className="grid gap-6">
        <Skeleton className="h-72 w-full" />
        <Skeleton className="h-32 w-full" />
      </div>
    );
  }
  if (details.isError) return <ErrorMessage error={details.error} title="Couldn't load the settings" />;

  const data = details.data;
  const canManage = data.permissions.includes("org:manage");
  const canDelete = data.permissions.includes("org:delete");
  return (
    <div className="grid gap-6" data-testid="organization-settings">
      {!data.organization.active ? <InactiveNotice canManage={canManage} /> : null}
      <GeneralSettings
        key={new Date(data.organization.updatedAt).getTime()}
        organizationRef={organizationId}
        details={data}
        canManage={canManage}
        onHandleChanged={onHandleChanged}
      />
      <LogoSettings organizationRef={organizationId} details={data} canManage={canManage} onChanged={onLogoChanged} />
      <StatusSettings organizationRef={organizationId} details={data} canManage={canManage} />
      {canDelete ? <DeleteOrganization organization={data.organization} onDeleted={onDeleted} /> : null}
    </div>
  );
}

function InactiveNotice({ canManage }: { canManage: boolean }) {
  return (
    <div
      role="status"
      data-testid="organization-inactive-notice"
      className="flex items-start gap-3 rounded-lg border border-border bg-muted px-4 py-3 text-sm"
    >
      <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
      <div className="grid gap-1">
        <p className="font-medium">This organization is inactive, so it is read-only.</p>
        <p className="text-muted-foreground">
          Nobody can invite, add, remove or change members, create join codes or mint API tokens, and its API tokens
          stop working until it is reactivated.{" "}
          {canManage ? "Reactivate it under Status below." : "Ask an owner or admin to reactivate it."}
        </p>
      </div>
    </div>
  );
}

/**
 * Keeps the cached `organizations.get` result in step with an update, without refetching under an old handle.
 * `onUpdated` runs here rather than as a per-call `mutate` callback: writing the cache re-keys (remounts) the
 * general form, and TanStack Query skips per-call callbacks of an unmounted observer.
 */
function useUpdateOrganization(
  organizationRef: string,
  onUpdated: (
    organization: OrganizationDetails["organization"],
    changes: { handle?: string; active?: boolean | null },
  ) => void,
) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.organizations.update.mutationOptions({
      onSuccess: async ({ organization }, variables) => {
        onUpdated(organization, variables);
        queryClient.setQueryData(trpc.organizations.get.queryKey({ organizationId: organizationRef }), (old) =>
          old ? { ...old, organization } : old,
        );
        await queryClient.invalidateQueries({ queryKey: trpc.organizations.list.queryKey() });
      },
    }),
  );
}

function GeneralSettings({
  organizationRef,
  details,
  canManage,
  onHandleChanged,
}: {
  organizationRef: string;
  details: OrganizationDetails;
  canManage: boolean;
  onHandleChanged?: (handle: string) => void;
}) {
  const { organization } = details;
  const [name, setName] = useState(organization.name);
  const [handle, setHandle] = useState(organization.handle);
  const [description, setDescription] = useState(organization.description ?? "");
  const [nameError, setNameError] = useState<string>();
  const availability = useHandleAvailability(handle, organization.handle);
  const update = useUpdateOrganization(organizationRef, (updated, sent) => {
    toast.success("Settings saved");
    if (sent.handle !== undefined && sent.handle !== organization.handle) onHandleChanged?.(updated.handle);
  });

  const changes = {
    ...(name.trim() !== organization.name ? { name: name.trim() } : {}),
    ...(handle !== organization.handle ? { handle } : {}),
    ...(description.trim() !== (organization.description ?? "") ? { description: description.trim() || null } : {}),
  };
  const dirty = Object.keys(changes).length > 0;

  const serverErrors = organizationFormErrors(update.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setNameError("The organization needs a name.");
      return;
    }
    if (!dirty || handleBlocksSubmit(availability)) return;
    // Always address the organization by id: the handle may be the thing that changes.
    update.mutate({ organizationId: organization.id, ...changes });
  }

  function reset() {
    setName(organization.name);
    setHandle(organization.handle);
    setDescription(organization.description ?? "");
    setNameError(undefined);
    update.reset();
  }

  return (
    <Card data-testid="organization-general-settings">
      <form onSubmit={submit} noValidate aria-labelledby="org-general-title">
        <CardHeader>
          <CardTitle id="org-general-title">General</CardTitle>
          <CardDescription>
            {canManage
              ? "Your organization's name, handle and description."
              : "Only owners and admins can change these settings."}
          </CardDescription>
        </CardHeader>
        <CardContent className="grid max-w-2xl gap-4">
          <Field label="Name" error={nameError ?? serverErrors.name}>
            <OrganizationNameInput
              value={name}
              disabled={!canManage}
              data-testid="settings-name-input"
              onChange={(event) => {
                setName(event.target.value);
                setNameError(undefined);
                update.reset();
              }}
            />
          </Field>
          <Field
            label="Handle"
            error={serverErrors.handle}
            hint={
              canManage ? (
                <HandleAvailabilityStatus
                  handle={handle}
                  availability={availability}
                  idleHint="Used in links to this organization. Changing it breaks links that use the old handle."
                />
              ) : undefined
            }
          >
            <OrganizationHandleInput
              value={handle}
              disabled={!canManage}
              data-testid="settings-handle-input"
              onChange={(event) => {
                setHandle(event.target.value.toLowerCase());
                update.reset();
              }}
            />
          </Field>
          <Field
            label="Description"
            hint={canManage ? "Optional. Shown to members and invitees." : undefined}
            error={serverErrors.description}
          >
            <OrganizationDescriptionTextarea
              value={description}
              disabled={!canManage}
              data-testid="settings-description-input"
              onChange={(event) => {
                setDescription(event.target.value);
                update.reset();
              }}
            />
          </Field>
          {update.isError && !serverErrors.hasFieldErrors ? (
            <ErrorMessage error={update.error} title="Couldn't save the settings" />
          ) : null}
        </CardContent>
        {canManage ? (
          <CardFooter>
            {dirty ? (
              <Button type="button" variant="ghost" onClick={reset} disabled={update.isPending}>
                Discard changes
              </Button>
            ) : null}
            <Button type="submit" loading={update.isPending} disabled={!dirty} data-testid="settings-save">
              Save changes
            </Button>
          </CardFooter>
        ) : null}
      </form>
    </Card>
  );
}

/** A file's bytes as plain base64 (no data-URL prefix: the type goes separately, and may be unknown). */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function LogoSettings({
  organizationRef,
  details,
  canManage,
  onChanged,
}: {
  organizationRef: string;
  details: OrganizationDetails;
  canManage: boolean;
  onChanged?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const [localError, setLocalError] = useState<string | null>(null);
  const { organization } = details;
  const editable = canManage && organization.active;

  const refresh = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.organizations.get.queryKey({ organizationId: organizationRef }) }),
      queryClient.invalidateQueries({ queryKey: trpc.organizations.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.organizations.memberships.listByUser.queryKey() }),
    ]);
    onChanged?.();
  };
  const upload = useMutation(
    trpc.organizations.logo.set.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast.success("Logo updated");
      },
    }),
  );
  const remove = useMutation(
    trpc.organizations.logo.remove.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast.success("Logo removed");
      },
    }),
  );

  async function choose(file: File | undefined) {
    if (!file) return;
    setLocalError(null);
    upload.reset();
    remove.reset();
    // The server's own rules, for an answer before the upload; it checks again.
    const bytes = new Uint8Array(await file.arrayBuffer());
    const checked = checkLogo(bytes, file.type || null);
    if (!checked.ok) {
      setLocalError(checked.message);
      return;
    }
    upload.mutate({
      organizationId: organization.id,
      image: await base64Of(file),
      contentType: file.type || undefined,
    });
  }

  const error = localError ?? (upload.error ? errorMessage(upload.error) : null);

  return (
    <Card data-testid="organization-logo-settings">
      <CardHeader>
        <CardTitle>Logo</CardTitle>
        <CardDescription>
          Shown next to the organization&apos;s name in the console, on invitation pages and in invitation emails.
          Without one, its initials are shown.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-wrap items-center gap-4">
        <OrgAvatar name={organization.name} logoUrl={organization.logoUrl} className="size-16 rounded-xl text-xl" />
        {editable ? (
          <div className="grid gap-2">
            <div className="flex flex-wrap gap-2">
              <input
                ref={fileRef}
                type="file"
                accept={LOGO_TYPES.join(",")}
                className="sr-only"
                tabIndex={-1}
                aria-label="Logo image file"
                aria-describedby={hintId}
                onChange={(event) => {
                  void choose(event.target.files?.[0]);
                  event.target.value = "";
                }}
                data-testid="logo-file-input"
              />
              <Button
                type="button"
                variant="outline"
                loading={upload.isPending}
                disabled={remove.isPending}
                aria-describedby={hintId}
                onClick={() => fileRef.current?.click()}
                data-testid="logo-upload"
              >
                {organization.logoUrl ? "Replace logo" : "Upload logo"}
              </Button>
              {organization.logoUrl ? (
                <Button
                  type="button"
                  variant="ghostDestructive"
                  loading={remove.isPending}
                  disabled={upload.isPending}
                  onClick={() => remove.mutate({ organizationId: organization.id })}
                  data-testid="logo-remove"
                >
                  Remove
                </Button>
              ) : null}
            </div>
            <p id={hintId} className="text-xs text-muted-foreground">
              PNG, JPEG, GIF or WebP, up to {LOGO_MAX_BYTES / 1024} KB; square images look best.
            </p>
          </div>
        ) : (
          <p className="text-sm text-muted-foreground">
            {canManage ? "Reactivate the organization to change its logo." : "Only owners and admins can change it."}
          </p>
        )}
        {error ? (
          <p role="alert" className="basis-full text-sm text-destructive" data-testid="logo-error">
            {error}
          </p>
        ) : null}
        {remove.isError ? (
          <div className="basis-full">
            <ErrorMessage error={remove.error} title="Couldn't remove the logo" />
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

function StatusSettings({
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

function DeleteOrganization({
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
