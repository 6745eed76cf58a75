"use client";

// The widgets navigate through callbacks; these bind them to the console's routes.
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";

import { AcceptInvitation } from "@tenancy/widgets/AcceptInvitation";
import { CreateOrganization } from "@tenancy/widgets/CreateOrganization";
import { DomainSuggestions } from "@tenancy/widgets/DomainSuggestions";
import { JoinWithCode } from "@tenancy/widgets/JoinWithCode";
import { MembersTable } from "@tenancy/widgets/MembersTable";
import { MyInvitations } from "@tenancy/widgets/MyInvitations";
import { OrganizationSettings } from "@tenancy/widgets/OrganizationSettings";
import { UserMemberships } from "@tenancy/widgets/UserMemberships";

import { authClient } from "@/lib/auth-client";
import { authHref } from "@/lib/redirects";

/** Org pages are addressed by handle; an id also works (the org layout redirects it to the handle). */
export const orgHref = (ref: string, page = "") => `/orgs/${encodeURIComponent(ref)}${page ? `/${page}` : ""}`;

function useOpenOrganization() {
  const router = useRouter();
  return (ref: string) => {
    router.push(orgHref(ref));
    router.refresh();
  };
}

export function ConnectedCreateOrganization({ onCreated }: { onCreated?: () => void }) {
  const open = useOpenOrganization();
  return (
    <CreateOrganization
      onCreated={(org) => {
        onCreated?.();
        open(org.handle);
      }}
    />
  );
}

export function ConnectedJoinWithCode({ initialCode }: { initialCode?: string }) {
  const open = useOpenOrganization();
  return <JoinWithCode initialCode={initialCode} onJoined={(result) => open(result.organization.handle)} />;
}

export function ConnectedDomainSuggestions() {
  const open = useOpenOrganization();
  return <DomainSuggestions onJoined={(organization) => open(organization.handle)} />;
}

export function ConnectedMyInvitations() {
  const open = useOpenOrganization();
  return <MyInvitations onAccepted={(result) => open(result.organization.handle)} />;
}

export function ConnectedUserMemberships() {
  const open = useOpenOrganization();
  return <UserMemberships onOpen={(org) => open(org.handle)} />;
}

export function ConnectedMembersTable({
  organizationId,
  currentUserId,
}: {
  organizationId: string;
  currentUserId: string;
}) {
  const router = useRouter();
  return (
    <MembersTable
      organizationId={organizationId}
      currentUserId={currentUserId}
      onLeft={() => {
        router.push("/");
        router.refresh();
      }}
    />
  );
}

export function ConnectedOrganizationSettings({ organizationId }: { organizationId: string }) {
  const router = useRouter();
  return (
    <OrganizationSettings
      organizationId={organizationId}
      onDeleted={() => {
        router.push("/");
        router.refresh();
      }}
      onHandleChanged={(handle) => {
        router.replace(orgHref(handle, "settings"));
        router.refresh();
      }}
      onLogoChanged={() => router.refresh()}
    />
  );
}

export function ConnectedAcceptInvitation({
  token,
  session,
}: {
  token: string;
  session: { email: string; name: string } | null;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const back = `/invite/${encodeURIComponent(token)}`;
  return (
    <AcceptInvitation
      token={token}
      session={session}
      signInHref={(email) => authHref("sign-in", { redirect: back, email })}
      signUpHref={(email) => authHref("sign-up", { redirect: back, email })}
      exitHrefs={{ home: "/", signIn: authHref("sign-in"), signUp: authHref("sign-up") }}
      onSignOut={async () => {
        await authClient.signOut();
        queryClient.clear();
        router.refresh();
      }}
      onAccepted={(result) => {
        router.push(orgHref(result.organization.handle));
        router.refresh();
      }}
      onDeclined={() => {
        router.push("/");
        router.refresh();
      }}
    />
  );
}
