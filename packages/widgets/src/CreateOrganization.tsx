"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";

import { handleBlocksSubmit, HandleAvailabilityStatus, useHandleAvailability } from "./internal/handle-availability";
import {
  OrganizationDescriptionTextarea,
  OrganizationHandleInput,
  OrganizationNameInput,
} from "./internal/organization-fields";
import { organizationFormErrors } from "./internal/organization-form-errors";
import { suggestHandle } from "./internal/org-handle";
import { useTRPC } from "./provider";
import { Button } from "./ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "./ui/card";
import { ErrorMessage } from "./ui/error-message";
import { Field } from "./ui/field";

export interface CreateOrganizationProps {
  onCreated: (org: { id: string; handle: string }) => void;
}

/** Name, handle (suggested from the name until edited, checked live) and description; the creator becomes owner. */
export function CreateOrganization({ onCreated }: CreateOrganizationProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [handle, setHandle] = useState("");
  const [handleEdited, setHandleEdited] = useState(false);
  const [description, setDescription] = useState("");
  const [nameError, setNameError] = useState<string>();
  const availability = useHandleAvailability(handle);

  const create = useMutation(
    trpc.organizations.create.mutationOptions({
      onSuccess: async ({ organization }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.organizations.list.queryKey() });
        toast.success(`Created ${organization.name}`);
        onCreated({ id: organization.id, handle: organization.handle });
      },
    }),
  );

  const serverErrors = organizationFormErrors(create.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setNameError("Give your organization a name.");
      return;
    }
    if (handleBlocksSubmit(availability, !handleEdited)) return;
    // A handle the person did not type is left to the server, which derives a free one (acme-2 when acme is taken).
    create.mutate({
      name: name.trim(),
      handle: handleEdited ? handle : undefined,
      description: description.trim() || null,
    });
  }

  return (
    <Card className="w-full max-w-lg" data-testid="create-organization">
      <form onSubmit={submit} noValidate aria-labelledby="create-organization-title">
        <CardHeader>
          <CardTitle id="create-organization-title">Create an organization</CardTitle>
          <CardDescription>
            Organizations hold members, invitations and API tokens. You&apos;ll be its owner.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          <Field label="Name" error={nameError ?? serverErrors.name}>
            <OrganizationNameInput
              autoComplete="organization"
              autoFocus
              placeholder="Acme Inc."
              value={name}
              data-testid="org-name-input"
              onChange={(event) => {
                const value = event.target.value;
                setName(value);
                setNameError(undefined);
                if (!handleEdited) setHandle(suggestHandle(value));
                create.reset();
              }}
            />
          </Field>
          <Field
            label="Handle"
            error={serverErrors.handle}
            hint={
              <HandleAvailabilityStatus
                handle={handle}
                availability={availability}
                derived={!handleEdited}
                idleHint="A unique short name used in links, e.g. acme. Leave empty to derive it from the name."
              />
            }
          >
            <OrganizationHandleInput
              placeholder="acme"
              value={handle}
              data-testid="org-handle-input"
              onChange={(event) => {
                const value = event.target.value.toLowerCase();
                setHandle(value);
                // Emptying the field hands the handle back to the suggestion from the name.
                setHandleEdited(value !== "");
                create.reset();
              }}
            />
          </Field>
          <Field label="Description" hint="Optional. Shown to members and invitees." error={serverErrors.description}>
            <OrganizationDescriptionTextarea
              value={description}
              onChange={(event) => {
                setDescription(event.target.value);
                create.reset();
              }}
            />
          </Field>
          {create.isError && !serverErrors.hasFieldErrors ? (
            <ErrorMessage error={create.error} title="Couldn't create the organization" />
          ) : null}
        </CardContent>
        <CardFooter>
          <Button type="submit" loading={create.isPending} data-testid="create-organization-submit">
            Create organization
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
