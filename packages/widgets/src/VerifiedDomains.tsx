"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { normalizeDomain, type DomainPolicy } from "@tenancy/api/domains";
import type { AppRouter } from "@tenancy/api/router";
import { CheckCircle2, Globe, Plus, RefreshCw } from "lucide-react";
import { useId, useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { errorMessage, errorReason, fieldErrors } from "./errors";
import { ChoiceCards, type Choice } from "./internal/choice-cards";
import { ConfirmActionDialog } from "./internal/confirm-action-dialog";
import { InactiveOrgNotice } from "./internal/inactive-org-notice";
import { QueryListState } from "./internal/query-list-state";
import { RelativeTime } from "./internal/timestamp";
import { useTRPC } from "./provider";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "./ui/card";
import { CopyButton } from "./ui/copy-button";
import { EmptyState } from "./ui/empty-state";
import { ErrorMessage } from "./ui/error-message";
import { Field } from "./ui/field";
import { Input } from "./ui/input";
import { Label } from "./ui/label";
import { RoleSelect } from "./ui/role-select";

type Domain = inferRouterOutputs<AppRouter>["organizations"]["domains"]["list"]["domains"][number];

export interface VerifiedDomainsProps {
  /** Id or handle of the organization. */
  organizationId: string;
}

const POLICY_CHOICES: Choice<DomainPolicy>[] = [
  { value: "none", label: "Nothing", description: "The domain is verified, nothing else happens." },
  {
    value: "suggest",
    label: "Suggest the organization",
    description: "People with a verified address here see it on their welcome page and can join in one click.",
  },
  {
    value: "auto_join",
    label: "Join automatically",
    description: "People join the moment they verify an address here. Existing accounts see it as a suggestion.",
  },
];

/** An organization's email domains: claim one, prove it with a DNS TXT record, choose what happens to its people. */
export function VerifiedDomains({ organizationId }: VerifiedDomainsProps) {
  const trpc = useTRPC();
  const org = useQuery(trpc.organizations.get.queryOptions({ organizationId }));
  const domains = useQuery(trpc.organizations.domains.list.queryOptions({ organizationId }));
  const listRef = useRef<HTMLUListElement>(null);
  const inactive = org.data ? !org.data.organization.active : false;
  const list = domains.data?.domains ?? [];

  return (
    <div className="grid min-w-0 gap-6" data-testid="verified-domains">
      {inactive ? (
        <InactiveOrgNotice>This organization is inactive: reactivate it to add or verify domains.</InactiveOrgNotice>
      ) : (
        <AddDomain organizationId={organizationId} />
      )}
      <QueryListState
        query={domains}
        isEmpty={list.length === 0}
        loadingLabel="Loading domains"
        errorTitle="Couldn't load the domains"
        emptyState={
          <EmptyState
            title="No domains yet"
            description="Add the domain of your team's email addresses, e.g. acme.com, then prove it is yours."
          />
        }
      >
        <ul ref={listRef} tabIndex={-1} aria-label="Domains" className="grid gap-4 focus:outline-none">
          {list.map((domain) => (
            <DomainItem
              key={domain.id}
              organizationId={organizationId}
              domain={domain}
              disabled={inactive}
              fallbackFocus={() => listRef.current}
            />
          ))}
        </ul>
      </QueryListState>
    </div>
  );
}

function AddDomain({ organizationId }: { organizationId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState<string>();
  const add = useMutation(
    trpc.organizations.domains.add.mutationOptions({
      onSuccess: async ({ domain }) => {
        setValue("");
        await queryClient.invalidateQueries({ queryKey: trpc.organizations.domains.list.queryKey({ organizationId }) });
        toast.success(`Added ${domain.domain}: publish its TXT record, then verify`);
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const normalized = normalizeDomain(value);
    if (!normalized.ok) {
      setProblem(normalized.problem);
      return;
    }
    add.mutate({ organizationId, domain: normalized.domain });
  }

  const serverError = add.error ? (fieldErrors(add.error).domain ?? errorMessage(add.error)) : undefined;

  return (
    <Card>
      <form onSubmit={submit} noValidate aria-labelledby="add-domain-title">
        <CardHeader>
          <CardTitle id="add-domain-title">Add a domain</CardTitle>
          <CardDescription>
            The part of your team&apos;s email addresses after the @. You&apos;ll prove it is yours with a DNS record.
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-wrap items-start gap-3">
          <div className="min-w-56 flex-1">
            <Field label="Domain" error={problem ?? serverError}>
              <Input
                value={value}
                placeholder="acme.com"
                autoCapitalize="none"
                autoCorrect="off"
                spellCheck={false}
                maxLength={260}
                onChange={(event) => {
                  setValue(event.target.value);
                  setProblem(undefined);
                  add.reset();
                }}
                data-testid="domain-input"
              />
            </Field>
          </div>
          <Button type="submit" className="mt-6" loading={add.isPending} data-testid="domain-add">
            <Plus aria-hidden />
            Add domain
          </Button>
        </CardContent>
      </form>
    </Card>
  );
}

function DomainItem({
  organizationId,
  domain,
  disabled,
  fallbackFocus,
}: {
  organizationId: string;
  domain: Domain;
  disabled: boolean;
  fallbackFocus: () => HTMLElement | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const headingId = useId();
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.organizations.domains.list.queryKey({ organizationId }) });
  const verify = useMutation(
    trpc.organizations.domains.verify.mutationOptions({
      onSuccess: async ({ domain: checked }) => {
        await refresh();
        if (checked.status === "verified") toast.success(`${checked.domain} is verified`);
      },
      onError: () => void refresh(),
    }),
  );
  const remove = useMutation(
    trpc.organizations.domains.remove.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast.success(`Removed ${domain.domain}`);
      },
    }),
  );
  const verified = domain.status === "verified";

  return (
    <li>
      <Card aria-labelledby={headingId} data-testid={`domain-${domain.domain}`} data-status={domain.status}>
        <CardHeader className="flex-row flex-wrap items-center justify-between gap-3">
          <div className="flex min-w-0 items-center gap-2">
            <Globe className="size-4 shrink-0 text-muted-foreground" aria-hidden />
            <CardTitle id={headingId} className="truncate font-mono text-base">
              {domain.domain}
            </CardTitle>
            {verified ? (
              <Badge variant="success" className="gap-1" data-testid="domain-status">
                <CheckCircle2 className="size-3" aria-hidden /> Verified
              </Badge>
            ) : (
              <Badge variant="warning" data-testid="domain-status">
                Not verified yet
              </Badge>
            )}
          </div>
          <ConfirmActionDialog
            trigger={
              <Button variant="ghostDestructive" size="sm" data-testid="domain-remove">
                Remove<span className="sr-only"> {domain.domain}</span>
              </Button>
            }
            title={`Remove ${domain.domain}?`}
            description="Nobody joins through this domain any more. People who already joined stay members. To use it again you'd add and verify it again."
            confirmLabel="Remove domain"
            confirmTestId="domain-remove-confirm"
            onConfirm={() => remove.mutateAsync({ organizationId, id: domain.id })}
            pending={remove.isPending}
            error={remove.error}
            onReset={() => remove.reset()}
            fallbackFocus={fallbackFocus}
          />
        </CardHeader>
        <CardContent className="grid gap-4">
          {verified ? (
            <PolicyForm organizationId={organizationId} domain={domain} disabled={disabled} />
          ) : (
            <>
              <div className="grid gap-3 rounded-md border border-border bg-muted/40 p-4 text-sm">
                <p>
                  At your DNS provider, add this <span className="font-medium">TXT record</span>, then verify. It can
                  take a few minutes for DNS changes to be seen.
                </p>
                <RecordLine label="Name" value={domain.txtRecord.name} testId="domain-txt-name" />
                <RecordLine label="Value" value={domain.txtRecord.value} testId="domain-txt-value" />
              </div>
              {domain.lastCheckError ? (
                <p role="status" className="text-sm text-muted-foreground" data-testid="domain-check-result">
                  Last check {domain.lastCheckedAt ? <RelativeTime value={domain.lastCheckedAt} /> : null}:{" "}
                  {domain.lastCheckError}
                </p>
              ) : null}
              {verify.isError ? (
                <ErrorMessage
                  error={verify.error}
                  title={errorReason(verify.error) === "domain_taken" ? "Already taken" : "Couldn't verify"}
                />
              ) : null}
            </>
          )}
        </CardContent>
        {verified ? null : (
          <CardFooter>
            <Button
              onClick={() => verify.mutate({ organizationId, id: domain.id })}
              loading={verify.isPending}
              disabled={disabled}
              data-testid="domain-verify"
            >
              {verify.isPending ? null : <RefreshCw aria-hidden />}
              Verify now
            </Button>
          </CardFooter>
        )}
      </Card>
    </li>
  );
}

function RecordLine({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="grid gap-1 sm:grid-cols-[4rem_minmax(0,1fr)_auto] sm:items-center sm:gap-3">
      <span className="text-xs font-medium text-muted-foreground">{label}</span>
      <code className="min-w-0 break-all rounded bg-background px-2 py-1.5 font-mono text-xs" data-testid={testId}>
        {value}
      </code>
      <CopyButton value={value} label={`Copy ${label.toLowerCase()}`} />
    </div>
  );
}

function PolicyForm({
  organizationId,
  domain,
  disabled,
}: {
  organizationId: string;
  domain: Domain;
  disabled: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [policy, setPolicy] = useState<DomainPolicy>(domain.policy);
  const [joinRole, setJoinRole] = useState(domain.joinRole);
  // The roles offered are the organization's (custom ones included) that the caller may grant.
  const org = useQuery(trpc.organizations.get.queryOptions({ organizationId }));
  const roleId = useId();
  const update = useMutation(
    trpc.organizations.domains.update.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.organizations.domains.list.queryKey({ organizationId }) });
        toast.success(`Saved what happens for ${domain.domain}`);
      },
    }),
  );
  const dirty = policy !== domain.policy || joinRole !== domain.joinRole;

  return (
    <form
      className="grid gap-4"
      onSubmit={(event) => {
        event.preventDefault();
        update.mutate({ organizationId, id: domain.id, policy, joinRole });
      }}
    >
      <fieldset className="grid gap-2" disabled={disabled}>
        <legend className="mb-1.5 text-sm font-medium">
          When someone verifies an address at <span className="font-mono">{domain.domain}</span>
        </legend>
        <ChoiceCards
          name={`policy-${domain.id}`}
          choices={POLICY_CHOICES}
          value={policy}
          onChange={setPolicy}
          testIdPrefix="domain-policy-"
          className="md:grid-cols-3"
        />
      </fieldset>
      {policy !== "none" ? (
        <div className="grid max-w-xs gap-1.5">
          <Label htmlFor={roleId}>They join as</Label>
          <RoleSelect
            id={roleId}
            organizationId={organizationId}
            value={joinRole}
            onValueChange={setJoinRole}
            allowOwner={false}
            permissions={org.data?.permissions}
            disabled={disabled}
            aria-label="They join as"
          />
        </div>
      ) : null}
      {update.isError ? <ErrorMessage error={update.error} title="Couldn't save" /> : null}
      <div className="flex justify-end">
        <Button type="submit" disabled={!dirty || disabled} loading={update.isPending} data-testid="domain-policy-save">
          Save
        </Button>
      </div>
    </form>
  );
}
