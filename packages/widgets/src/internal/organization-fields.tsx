import { handle as handleSchema } from "@tenancy/api/schemas/common";
import { organizationDescription, organizationName } from "@tenancy/api/schemas/organizations";
import type { ComponentProps } from "react";

import { Input } from "../ui/input";
import { Textarea } from "../ui/textarea";

// The controls of an organization's name, handle and description, shared by the create form and the
// settings form so both take the same input; their length limits are the API schemas' own.

type InputProps = Omit<ComponentProps<typeof Input>, "name" | "maxLength">;

export function OrganizationNameInput(props: InputProps) {
  return <Input name="name" maxLength={organizationName.maxLength ?? undefined} required {...props} />;
}

/** A handle is typed as a slug: no capitals, autocorrect or spell check getting in the way. */
export function OrganizationHandleInput(props: InputProps) {
  return (
    <Input
      name="handle"
      autoCapitalize="none"
      autoCorrect="off"
      spellCheck={false}
      maxLength={handleSchema.maxLength ?? undefined}
      {...props}
    />
  );
}

export function OrganizationDescriptionTextarea(props: Omit<ComponentProps<typeof Textarea>, "name" | "maxLength">) {
  return <Textarea name="description" maxLength={organizationDescription.maxLength ?? undefined} rows={3} {...props} />;
}
