import { ArrowRight, BadgeCheck, FileClock, Globe, KeyRound, Settings, Ticket, UserPlus, Users } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ComponentType } from "react";

import { LICENSING_PERMISSIONS } from "@tenancy/api/licensing";
import { BUILT_IN_ROLE_DEFINITIONS, isBuiltInRole, type Permission } from "@tenancy/api/permissions";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@tenancy/widgets/ui/card";

import { can, loadOrganization } from "@/server/organization";
import { getQueryClient, trpc } from "@/server/trpc";

type Params = { params: Promise<{ handle: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const details = await loadOrganization((await params).handle);
  return { title: details?.organization.name ?? "Organization" };
}

const QUICK_LINKS: {
  page: string;
  title: string;
  text: string;
  permission: Permission;
  icon: ComponentType<{ className?: string }>;
}[] = [
  {
    page: "members",
    title: "Members",
    text: "See who is in, change roles, remove people.",
    permission: "members:view",
    icon: Users,
  },
  {
    page: "invitations",
    title: "Invite people",
    text: "Send invitations by email with a role.",
    permission: "invitations:manage",
    icon: UserPlus,
  },
  {
    page: "join-codes",
    title: "Join codes",
    text: "Short codes anyone you share them with can join by.",
    permission: "joinCodes:manage",
    icon: Ticket,
  },
  {
    page: "tokens",
    title: "API tokens",
    text: "Let your backend call the API for this organization.",
    permission: "tokens:manage",
    icon: KeyRound,
  },
  {
    page: "plan",
    title: "Plan",
    text: "Seats used, the license and its deployments.",
    permission: LICENSING_PERMISSIONS.view,
    icon: BadgeCheck,
  },
  {
    page: "audit",
    title: "Audit log",
    text: "Every change, who made it and when.",
    permission: "audit:view",
    icon: FileClock,
  },
  {
    page: "domains",
    title: "Verified domains",
    text: "Let people with your email domain find or join.",
    permission: "domains:manage",
    icon: Globe,
  },
  {
    page: "settings",
    title: "Settings",
    text: "Name, logo, handle, description, status.",
    permission: "org:manage",
    icon: Settings,
  },
];

export default async function OrganizationOverviewPage({ params }: Params) {
  const details = await loadOrganization((await params).handle);
  if (!details) notFound();
  const { organization, role, memberCount } = details;
  const base = `/orgs/${organization.handle}`;
  const links = QUICK_LINKS.filter((link) => can(details, link.permission)).map((link) =>
    link.page === "members" && !can(details, "members:manage")
      ? { ...link, text: "See who is in and their roles." }
      : link,
  );
  // A custom role's name and description are the organization's own.
  const roleInfo = !role
    ? null
    : isBuiltInRole(role)
      ? BUILT_IN_ROLE_DEFINITIONS[role]
      : ((
          await getQueryClient().fetchQuery(
            trpc.organizations.customRoles.list.queryOptions({ organizationId: organization.id }),
          )
        ).roles.find((r) => r.key === role) ?? null);
  const created = organization.createdAt.toLocaleDateString("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });

  return (
    <div className="grid gap-8">
      <h1 className="sr-only">{organization.name} overview</h1>
      {organization.description ? (
        <p className="max-w-3xl text-sm text-muted-foreground">{organization.description}</p>
      ) : null}
      <dl className="grid gap-4 sm:grid-cols-3">
        <Stat label="Members" value={String(memberCount)} testId="overview-member-count" />
        <Stat
          label="Your role"
          value={roleInfo?.name ?? role ?? "—"}
          hint={roleInfo?.description ?? undefined}
          testId="overview-role"
        />
        <Stat label="Status" value={organization.active ? "Active" : "Inactive"} hint={`Created ${created}`} />
      </dl>
      {links.length > 0 ? (
        <section aria-labelledby="overview-quick-links" className="grid gap-3">
          <h2 id="overview-quick-links" className="text-sm font-medium text-muted-foreground">
            Manage
          </h2>
          <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {links.map(({ page, title, text, icon: Icon }) => (
              <li key={page}>
                <Link
                  href={`${base}/${page}`}
                  className="group flex h-full items-start gap-3 rounded-lg border border-border bg-card p-4 transition-colors hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                >
                  <Icon className="mt-0.5 size-4 text-muted-foreground" aria-hidden />
                  <span className="grid flex-1 gap-1">
                    <span className="flex items-center justify-between text-sm font-medium">
                      {title}
                      <ArrowRight
                        className="size-4 text-muted-foreground opacity-0 transition-opacity group-hover:opacity-100"
                        aria-hidden
                      />
                    </span>
                    <span className="text-sm text-muted-foreground">{text}</span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <Card>
        <CardHeader>
          <CardTitle>HTTP API</CardTitle>
          <CardDescription>
            Backends call <code className="font-mono text-xs">POST /v1/organizations/…</code> with a session or an API
            token of this organization.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <dl className="grid gap-2 text-sm sm:grid-cols-[8rem_1fr]">
            <dt className="text-muted-foreground">Organization ID</dt>
            <dd className="font-mono text-xs break-all" data-testid="overview-org-id">
              {organization.id}
            </dd>
            <dt className="text-muted-foreground">Handle</dt>
            <dd className="font-mono text-xs">{organization.handle}</dd>
          </dl>
        </CardContent>
      </Card>
    </div>
  );
}

function Stat({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <div className="rounded-lg border border-border bg-card p-4">
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tracking-tight" data-testid={testId}>
        {value}
      </dd>
      {hint ? <dd className="mt-1 text-xs text-muted-foreground">{hint}</dd> : null}
    </div>
  );
}
