"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";
import { toast } from "sonner";

import { roleWithArticle } from "./internal/role-words";
import { useTRPC } from "./provider";
import { OrgAvatar } from "./ui/avatar";
import { Button } from "./ui/button";
import { ErrorMessage } from "./ui/error-message";

type Suggestion = inferRouterOutputs<AppRouter>["organizations"]["domains"]["suggested"]["suggestions"][number];

export interface DomainSuggestionsProps {
  onJoined?: (organization: { id: string; handle: string }) => void;
}

/**
 * Organizations the signed-in user can join because their verified email address is in a domain
 * the organization verified. Renders nothing when there are none.
 */
export function DomainSuggestions({ onJoined }: DomainSuggestionsProps) {
  const trpc = useTRPC();
  const suggested = useQuery(trpc.organizations.domains.suggested.queryOptions());
  const suggestions = suggested.data?.suggestions ?? [];
  if (suggestions.length === 0) return null;
  return (
    <section aria-labelledby="domain-suggestions-title" className="grid gap-3" data-testid="domain-suggestions">
      <h2 id="domain-suggestions-title" className="text-sm font-medium text-muted-foreground">
        Your team is already here
      </h2>
      <ul className="grid gap-3">
        {suggestions.map((suggestion) => (
          <SuggestionItem key={suggestion.organization.id} suggestion={suggestion} onJoined={onJoined} />
        ))}
      </ul>
    </section>
  );
}

function SuggestionItem({
  suggestion,
  onJoined,
}: {
  suggestion: Suggestion;
  onJoined?: DomainSuggestionsProps["onJoined"];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { organization } = suggestion;
  const join = useMutation(
    trpc.organizations.domains.join.mutationOptions({
      onSuccess: async (result) => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.organizations.domains.suggested.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.organizations.list.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.organizations.memberships.listByUser.queryKey() }),
        ]);
        toast.success(`You joined ${result.organization.name} as ${roleWithArticle(result.role, result.roleName)}.`);
        onJoined?.({ id: result.organization.id, handle: result.organization.handle });
      },
    }),
  );
  return (
    <li
      className="grid gap-3 rounded-lg border border-border bg-card p-4"
      data-testid={`domain-suggestion-${organization.handle}`}
    >
      <div className="flex items-center gap-3">
        <OrgAvatar name={organization.name} logoUrl={organization.logoUrl} className="size-9 text-xs" />
        <div className="grid min-w-0 flex-1 gap-0.5">
          <p className="truncate font-medium">{organization.name}</p>
          <p className="text-xs text-muted-foreground">
            Verified <span className="font-mono">{suggestion.domain}</span>, your email&apos;s domain. You&apos;d join
            as {roleWithArticle(suggestion.role, suggestion.roleName)}.
          </p>
        </div>
        <Button
          size="sm"
          loading={join.isPending}
          onClick={() => join.mutate({ organizationId: organization.id })}
          aria-label={`Join ${organization.name}`}
          data-testid="domain-suggestion-join"
        >
          Join
        </Button>
      </div>
      {join.isError ? <ErrorMessage error={join.error} title={`Couldn't join ${organization.name}`} /> : null}
    </li>
  );
}
