"use client";

import { useQuery } from "@tanstack/react-query";
import { Check, ChevronsUpDown, Plus } from "lucide-react";

import { errorMessage } from "./errors";
import { useTRPC } from "./provider";
import { OrgAvatar } from "./ui/avatar";
import { Button } from "./ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuGroup,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "./ui/dropdown-menu";
import { Skeleton } from "./ui/skeleton";

export interface OrganizationSwitcherProps {
  /** The organization shown as current: its handle or id. */
  activeOrganization?: string;
  onSwitch: (org: { id: string; handle: string }) => void;
  onCreate: () => void;
}

/** Header dropdown: my organizations with my role in each, the active one checked, and "Create organization". */
export function OrganizationSwitcher({ activeOrganization, onSwitch, onCreate }: OrganizationSwitcherProps) {
  const trpc = useTRPC();
  const orgs = useQuery(trpc.organizations.list.queryOptions());

  if (orgs.isPending) {
    return (
      <div role="status" aria-label="Loading organizations" className="flex h-9 w-52 items-center gap-2 px-2">
        <Skeleton className="size-6" />
        <Skeleton className="h-4 flex-1" />
      </div>
    );
  }

  const organizations = orgs.data?.organizations ?? [];
  const ref = activeOrganization?.toLowerCase();
  const active = ref ? organizations.find((org) => org.handle === ref || org.id === ref) : undefined;

  return (
    // Non-modal: a modal menu aria-hides the rest of the page, including focusable header links.
    <DropdownMenu modal={false}>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" className="h-9 min-w-0 max-w-64 justify-start gap-2 px-2" data-testid="org-switcher">
          {active ? <OrgAvatar name={active.name} logoUrl={active.logoUrl} /> : null}
          {/* Name = "Switch organization, current: <visible text>": the visible label stays inside the accessible name. */}
          {active ? <span className="sr-only">Switch organization, current:</span> : null}
          <span className="truncate">{active ? active.name : "Choose an organization"}</span>
          {active ? (
            <span className="hidden rounded-full bg-muted px-1.5 py-0.5 text-[11px] font-normal text-muted-foreground sm:inline">
              {active.roleName}
            </span>
          ) : null}
          <ChevronsUpDown className="ml-auto opacity-60" aria-hidden />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" className="w-72" data-testid="org-switcher-menu">
        <DropdownMenuLabel>Organizations</DropdownMenuLabel>
        {orgs.isError ? (
          <p role="alert" className="px-2 py-1.5 text-sm text-destructive">
            {errorMessage(orgs.error)}
          </p>
        ) : organizations.length === 0 ? (
          <p className="px-2 py-1.5 text-sm text-muted-foreground">You&apos;re not in any organization yet.</p>
        ) : (
          <DropdownMenuGroup className="max-h-80 overflow-y-auto">
            {organizations.map((org) => {
              const isActive = org.id === active?.id;
              return (
                <DropdownMenuItem
                  key={org.id}
                  data-testid={`org-switcher-item-${org.handle}`}
                  aria-current={isActive ? "true" : undefined}
                  onSelect={() => {
                    if (!isActive) onSwitch({ id: org.id, handle: org.handle });
                  }}
                >
                  <OrgAvatar name={org.name} logoUrl={org.logoUrl} />
                  <span className="grid min-w-0 flex-1">
                    <span className="truncate font-medium">{org.name}</span>
                    <span className="truncate text-xs text-muted-foreground">
                      {org.roleName}
                      {org.active ? "" : " · Inactive"}
                    </span>
                  </span>
                  {isActive ? (
                    <>
                      <Check aria-hidden />
                      <span className="sr-only">(current)</span>
                    </>
                  ) : null}
                </DropdownMenuItem>
              );
            })}
          </DropdownMenuGroup>
        )}
        <DropdownMenuSeparator />
        <DropdownMenuItem data-testid="org-switcher-create" onSelect={() => onCreate()}>
          <Plus aria-hidden />
          Create organization
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
