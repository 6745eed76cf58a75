"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { checkLogo, LOGO_MAX_BYTES, LOGO_TYPES } from "@tenancy/api/images";
import { useId, useRef, useState } from "react";
import { toast } from "sonner";

import { errorMessage } from "../errors";
import { useTRPC } from "../provider";
import { OrgAvatar } from "../ui/avatar";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { ErrorMessage } from "../ui/error-message";
import { type OrganizationDetails } from "./update-organization";

/** A file's bytes as plain base64 (no data-URL prefix: the type goes separately, and may be unknown). */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The organization's logo: upload (checked here first, then by the API) or remove it. */
export function LogoSettings({
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
