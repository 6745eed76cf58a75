"use client";

import { useQueryClient } from "@tanstack/react-query";
import { BadgeCheck, Building2, Inbox, KeyRound, LogOut, Mail, ShieldCheck, UserRound } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";

import { OrganizationSwitcher } from "@tenancy/widgets/OrganizationSwitcher";
import { UserAvatar } from "@tenancy/widgets/ui/avatar";
import { Button } from "@tenancy/widgets/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@tenancy/widgets/ui/dialog";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuGroup,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@tenancy/widgets/ui/dropdown-menu";

import { ConnectedCreateOrganization, orgHref } from "@/components/connected";
import { Logo } from "@/components/logo";
import { authClient } from "@/lib/auth-client";

export interface HeaderUser {
  name: string;
  email: string;
}

/** The active org is the one in the URL (/orgs/<handle>/...). */
function useActiveOrganization(): string | undefined {
  const pathname = usePathname();
  const match = /^\/orgs\/([^/]+)/.exec(pathname ?? "");
  return match ? decodeURIComponent(match[1]!) : undefined;
}

export function AppHeader({
  user,
  devMailbox,
  operator = false,
  instanceMember = false,
}: {
  user: HeaderUser;
  devMailbox: boolean;
  /** A platform operator: show the way to the licensing page. */
  operator?: boolean;
  /** A member of an instance: show the way to the Admin area. */
  instanceMember?: boolean;
}) {
  const router = useRouter();
  const active = useActiveOrganization();
  const [creating, setCreating] = useState(false);

  return (
    <header className="sticky top-0 z-40 border-b border-border bg-background/95 backdrop-blur supports-[backdrop-filter]:bg-background/80">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-2 px-4 sm:px-6">
        <Logo compact />
        <span aria-hidden className="mx-1 text-lg text-border select-none">
          /
        </span>
        <OrganizationSwitcher
          activeOrganization={active}
          onSwitch={(org) => router.push(orgHref(org.handle))}
          onCreate={() => setCreating(true)}
        />
        <div className="ml-auto flex shrink-0 items-center gap-1">
          {devMailbox ? (
            <Button variant="ghost" size="sm" asChild className="hidden sm:inline-flex">
              <Link href="/dev/mailbox">
                <Inbox aria-hidden />
                Dev mailbox
              </Link>
            </Button>
          ) : null}
          <UserMenu
            user={user}
            operator={operator}
            instanceMember={instanceMember}
            onCreateOrganization={() => setCreating(true)}
          />
        </div>
      </div>
      <Dialog open={creating} onOpenChange={setCreating}>
        <DialogContent
          className="max-w-lg border-0 bg-transparent p-0 shadow-none"
          aria-describedby="create-org-dialog-description"
        >
          <DialogTitle className="sr-only">Create an organization</DialogTitle>
          <DialogDescription id="create-org-dialog-description" className="sr-only">
            Name your organization and pick its handle.
          </DialogDescription>
          <ConnectedCreateOrganization onCreated={() => setCreating(false)} />
        </DialogContent>
      </Dialog>
    </header>
  );
}

function UserMenu({
  user,
  operator,
  instanceMember,
  onCreateOrganization,
}: {
  user: HeaderUser;
  operator: boolean;
  instanceMember: boolean;
  onCreateOrganization: () => void;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [signingOut, setSigningOut] = useState(false);

  async function signOut() {
    setSigningOut(true);
    await authClient.signOut();
    queryClient.clear();
    router.replace("/sign-in");
    router.refresh();
  }

  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon" className="rounded-full" data-testid="user-menu">
          {/* Name from sr-only text, not aria-label: an aria-label without the visible initials fails label-content-name-mismatch. */}
          <UserAvatar
            name={user.name}
            email={user.email}
            className="bg-secondary font-semibold text-secondary-foreground"
          />
          <span className="sr-only">Account menu for {user.name || user.email}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-60">
        <DropdownMenuLabel className="font-normal">
          <span className="block truncate text-sm font-medium text-foreground">{user.name}</span>
          <span className="block truncate text-xs text-muted-foreground">{user.email}</span>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuGroup>
          <DropdownMenuItem onSelect={() => router.push("/account")}>
            <UserRound aria-hidden />
            Account
          </DropdownMenuItem>
          <DropdownMenuItem onSelect={() => router.push("/account#invitations")}>
            <Mail aria-hidden />
            Invitations
          </DropdownMenuItem>
          <DropdownMenuItem onSelect={() => router.push("/join")}>
            <KeyRound aria-hidden />
            Join with a code
          </DropdownMenuItem>
          <DropdownMenuItem onSelect={onCreateOrganization}>
            <Building2 aria-hidden />
            Create organization
          </DropdownMenuItem>
          {instanceMember ? (
            <DropdownMenuItem onSelect={() => router.push("/admin")} data-testid="menu-admin">
              <ShieldCheck aria-hidden />
              Admin
            </DropdownMenuItem>
          ) : null}
          {operator ? (
            <DropdownMenuItem onSelect={() => router.push("/licensing")} data-testid="menu-licensing">
              <BadgeCheck aria-hidden />
              Licensing
            </DropdownMenuItem>
          ) : null}
        </DropdownMenuGroup>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => void signOut()} disabled={signingOut} data-testid="sign-out">
          <LogOut aria-hidden />
          {signingOut ? "Signing out…" : "Sign out"}
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
