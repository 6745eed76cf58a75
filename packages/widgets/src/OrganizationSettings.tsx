"use client";

import { useQuery } from "@tanstack/react-query";
import { AlertTriangle } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";

import { handleBlocksSubmit, HandleAvailabilityStatus, useHandleAvailability } from "./internal/handle-availability";
import {
  OrganizationDescriptionTextarea,
  OrganizationHandleInput,
  OrganizationNameInput,
} from "./internal/organization-fields";
import { organizationFormErrors } from "./internal/organization-form-errors";
import { LogoSettings } from "./internal/organization-logo-settings";
import { DeleteOrganization, StatusSettings } from "./internal/organization-status-settings";
import { type OrganizationDetails, useUpdateOrganization } from "./internal/update-organization";
import { useTRPC } from "./provider";
import { Button } from "./ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "./ui/card";
import { ErrorMessage } from "./ui/error-message";
import { Field } from "./ui/field";
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
