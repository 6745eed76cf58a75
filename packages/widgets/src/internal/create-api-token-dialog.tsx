"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { scopeVocabulary } from "@tenancy/api/scopes";
import { useState, type FormEvent } from "react";

import { fieldErrors } from "../errors";
import { useTRPC } from "../provider";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "../ui/dialog";
import { ErrorMessage } from "../ui/error-message";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { useApiBaseUrl } from "./api-origin";
import { BearerReveal } from "./bearer-reveal";
import { ChoiceCards, type Choice } from "./choice-cards";
import { DialogFormFooter } from "./dialog-form-footer";
import { OneTimeSecretStep, oneTimeSecretOpenChange } from "./one-time-secret";
import { ScopePicker } from "./scope-picker";

/** The broad scopes an owner picks from (every scope in the table is accepted by the API). */
const PICKABLE_SCOPES = scopeVocabulary("organization").filter(
  (entry) => entry.scope.startsWith("all.") || entry.scope.endsWith(".*") || entry.scope.endsWith(".read"),
);

type TokenEnv = "live" | "test";

const ENV_CHOICES: Choice<TokenEnv>[] = [
  { value: "live", label: "Live", description: "For production scripts and servers. The key starts with tnc_live_." },
  {
    value: "test",
    label: "Test",
    description: "For development and CI, easy to tell apart. The key starts with tnc_test_.",
  },
];

/** Mint an organization API token: name, environment, scopes; then its bearer, shown once, in this dialog only. */
export function CreateTokenDialog({
  organizationId,
  exampleOrganization,
  open,
  onOpenChange,
}: {
  organizationId: string;
  exampleOrganization: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [env, setEnv] = useState<TokenEnv>("live");
  const [scopes, setScopes] = useState<string[]>([]);
  const [created, setCreated] = useState<{ bearer: string; name: string | null; env: string } | null>(null);

  const create = useMutation(
    trpc.organizations.tokens.create.mutationOptions({
      onSuccess: async ({ apiToken }) => {
        setCreated({ bearer: apiToken.bearer, name: apiToken.name, env: apiToken.env });
        await queryClient.invalidateQueries({ queryKey: trpc.organizations.tokens.list.queryKey({ organizationId }) });
      },
    }),
  );

  const handleOpenChange = oneTimeSecretOpenChange({
    creating: create.isPending,
    revealed: created !== null,
    forget: () => {
      setCreated(null);
      setName("");
      setEnv("live");
      setScopes([]);
      create.reset();
    },
    onOpenChange,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    create.mutate({ organizationId, env, scopes, ...(trimmed ? { name: trimmed } : {}) });
  };

  const nameError = fieldErrors(create.error).name;

  return (
    <Dialog open={open} onOpenChange={handleOpenChange}>
      <DialogContent data-testid="token-dialog" className="max-w-xl">
        {created ? (
          <TokenReveal
            created={created}
            exampleOrganization={exampleOrganization}
            onDone={() => handleOpenChange(false)}
          />
        ) : (
          <form onSubmit={submit} className="grid gap-4" noValidate>
            <DialogHeader>
              <DialogTitle>Create an API token</DialogTitle>
              <DialogDescription>
                The token can call the API for this organization until you revoke it.
              </DialogDescription>
            </DialogHeader>
            <Field label="Name" hint="Optional. Something that says where the token is used." error={nameError}>
              <Input
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="e.g. Deploy bot"
                maxLength={100}
                autoComplete="off"
                data-testid="token-name"
              />
            </Field>
            <fieldset className="grid gap-2">
              <legend className="mb-1.5 text-sm font-medium leading-none">Environment</legend>
              <ChoiceCards
                name="env"
                choices={ENV_CHOICES}
                value={env}
                onChange={setEnv}
                testIdPrefix="token-env-"
                className="sm:grid-cols-2"
              />
            </fieldset>
            <ScopePicker
              entries={PICKABLE_SCOPES}
              value={scopes}
              onChange={setScopes}
              hint="None checked: every power an organization token has. Otherwise the token reaches only what the checked scopes accept (403 insufficient_scope for the rest)."
            />
            {create.error && !nameError ? <ErrorMessage error={create.error} /> : null}
            <DialogFormFooter
              onCancel={() => handleOpenChange(false)}
              pending={create.isPending}
              submitLabel="Create token"
              submitTestId="token-submit"
            />
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

function TokenReveal({
  created,
  exampleOrganization,
  onDone,
}: {
  created: { bearer: string; name: string | null; env: string };
  exampleOrganization: string;
  onDone: () => void;
}) {
  const apiBase = useApiBaseUrl();
  const curl = [
    `curl -X POST ${apiBase}/v1/organizations/get \\`,
    `  -H "Authorization: Bearer ${created.bearer}" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '${JSON.stringify({ organizationId: exampleOrganization })}'`,
  ].join("\n");

  return (
    <OneTimeSecretStep
      title="API token created"
      description={
        <>
          {created.name ? <>“{created.name}” is</> : <>Your new {created.env === "test" ? "test" : "live"} token is</>}{" "}
          ready. Send it as a bearer token in the Authorization header.
        </>
      }
      groupLabel="Your new API token"
      groupClassName="grid min-w-0 gap-4 focus:outline-none"
      doneTestId="token-done"
      onDone={onDone}
    >
      <BearerReveal bearer={created.bearer} curl={curl} bearerTestId="token-bearer" curlTestId="token-curl" />
    </OneTimeSecretStep>
  );
}
