import type { ReactNode } from "react";

import { roleLabel } from "../ui/role-select";

/** One audit event as the API returns it (packages/api/src/services/audit.ts AuditEventDto). */
export interface AuditEventLike {
  action: string;
  target: { type: string; id: string; label: string | null } | null;
  metadata: unknown;
}

type Metadata = Record<string, unknown>;

function metadataOf(event: AuditEventLike): Metadata {
  const value = event.metadata;
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Metadata) : {};
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

function Em({ children }: { children: ReactNode }) {
  return <span className="font-medium text-foreground">{children}</span>;
}

function role(value: unknown): ReactNode {
  const name = text(value);
  return name ? <Em>{roleLabel(name).toLowerCase()}</Em> : "a new role";
}

/** "a <member>", "an <admin>". */
function aRole(value: unknown): ReactNode {
  const name = text(value);
  if (!name) return "a new role";
  const word = roleLabel(name).toLowerCase();
  return (
    <>
      {/^[aeiou]/.test(word) ? "an" : "a"} <Em>{word}</Em>
    </>
  );
}

/** An API token's label is its name, or its key when it has none. */
function tokenName(label: string | null | undefined): ReactNode {
  if (!label) return "";
  return label.startsWith("tnc_") ? (
    <Em>
      <code className="font-mono text-xs">{label}</code>
    </Em>
  ) : (
    <Em>“{label}”</Em>
  );
}

function joinWords(parts: ReactNode[]): ReactNode {
  return parts.map((part, i) => (
    <span key={i}>
      {i > 0 ? (i === parts.length - 1 ? " and " : ", ") : null}
      {part}
    </span>
  ));
}

/** What changed in an organization.updated event, from its metadata (the changed fields). */
function organizationChanges(meta: Metadata): ReactNode {
  const parts: ReactNode[] = [];
  if ("name" in meta)
    parts.push(
      <>
        renamed the organization to <Em>{text(meta.name) ?? "(no name)"}</Em>
      </>,
    );
  if ("handle" in meta)
    parts.push(
      <>
        changed the handle to <Em>{text(meta.handle) ?? "(none)"}</Em>
      </>,
    );
  if ("description" in meta) parts.push(text(meta.description) ? "updated the description" : "removed the description");
  if ("active" in meta)
    parts.push(meta.active === false ? "deactivated the organization" : "reactivated the organization");
  return parts.length > 0 ? joinWords(parts) : "updated the organization settings";
}

/**
 * The action of an audit event as the second half of a sentence whose subject is the actor:
 * "member.role_changed" → "changed the role of ada@example.com from member to admin".
 */
export function auditSentence(event: AuditEventLike): ReactNode {
  const meta = metadataOf(event);
  const target = event.target?.label ? <Em>{event.target.label}</Em> : null;

  switch (event.action) {
    case "organization.created":
      return <>created the organization {target ?? ""}</>;
    case "organization.updated":
      return organizationChanges(meta);
    case "organization.deleted":
      return <>deleted the organization {target ?? ""}</>;

    case "member.added":
      return (
        <>
          added {target ?? "a member"} as {aRole(meta.role)}
        </>
      );
    case "member.removed":
      return <>removed {target ?? "a member"} from the organization</>;
    case "member.role_changed":
      return (
        <>
          changed the role of {target ?? "a member"} from {role(meta.from)} to {role(meta.to)}
        </>
      );
    case "member.left":
      return <>left the organization</>;

    case "invitation.created":
      return (
        <>
          invited {target ?? "someone"} as {aRole(meta.role)}
          {meta.replacedPrevious === true ? " (replacing an earlier invitation)" : null}
        </>
      );
    case "invitation.revoked":
      return <>revoked the invitation for {target ?? "someone"}</>;
    case "invitation.accepted":
      return meta.alreadyMember === true ? (
        <>accepted an invitation (already a member, kept their role)</>
      ) : (
        <>accepted an invitation and joined as {aRole(meta.role)}</>
      );
    case "invitation.declined":
      return <>declined an invitation</>;

    case "join_code.created": {
      const maxUses = typeof meta.maxUses === "number" ? meta.maxUses : null;
      return (
        <>
          created join code {target ?? ""} for the {role(meta.role)} role (
          {maxUses === null ? "unlimited uses" : maxUses === 1 ? "single use" : `up to ${maxUses} uses`})
        </>
      );
    }
    case "join_code.revoked":
      return <>revoked join code {target ?? ""}</>;
    case "join_code.redeemed":
      return (
        <>
          joined with code {target ?? ""} as {aRole(meta.role)}
        </>
      );

    case "api_token.created": {
      const env = text(meta.env);
      return (
        <>
          created {env === "test" ? "the test" : env === "live" ? "the live" : "the"} API token{" "}
          {tokenName(event.target?.label)}
        </>
      );
    }
    case "api_token.revoked":
      return <>revoked the API token {tokenName(event.target?.label)}</>;

    case "role.created":
      return <>created the role {target ?? ""}</>;
    case "role.updated": {
      const added = Array.isArray(meta.added) ? meta.added.length : 0;
      const removed = Array.isArray(meta.removed) ? meta.removed.length : 0;
      const parts: ReactNode[] = [];
      if (added) parts.push(`gave it ${added} permission${added === 1 ? "" : "s"}`);
      if (removed) parts.push(`took ${removed} permission${removed === 1 ? "" : "s"} away`);
      return (
        <>
          edited the role {target ?? ""}
          {parts.length > 0 ? <>: {joinWords(parts)}</> : null}
        </>
      );
    }
    case "role.deleted":
      return text(meta.reassignTo) ? (
        <>
          deleted the role {target ?? ""}, moving its holders to {role(meta.reassignTo)}
        </>
      ) : (
        <>deleted the role {target ?? ""}</>
      );

    case "organization.logo_updated":
      return <>changed the organization&apos;s logo</>;
    case "organization.logo_removed":
      return <>removed the organization&apos;s logo</>;
    case "organization.deactivated":
      return <>deactivated the organization{meta.instanceRole ? <> as instance {text(meta.instanceRole)}</> : null}</>;
    case "organization.reactivated":
      return <>reactivated the organization{meta.instanceRole ? <> as instance {text(meta.instanceRole)}</> : null}</>;
    case "member.joined_by_domain":
      return (
        <>
          joined {meta.automatic === true ? "automatically " : ""}through the verified domain{" "}
          <Em>{text(meta.domain) ?? "of their email"}</Em> as {aRole(meta.role)}
        </>
      );

    case "domain.added":
      return <>added the domain {target ?? ""}</>;
    case "domain.verified":
      return <>verified the domain {target ?? ""}</>;
    case "domain.policy_changed": {
      const policy = text(meta.policy);
      return policy === "auto_join" ? (
        <>
          set {target ?? "a domain"} to add people with a verified address automatically as {aRole(meta.role)}
        </>
      ) : policy === "suggest" ? (
        <>
          set {target ?? "a domain"} to suggest the organization to people with a verified address (joining as{" "}
          {aRole(meta.role)})
        </>
      ) : (
        <>set {target ?? "a domain"} to do nothing for people with a verified address</>
      );
    }
    case "domain.removed":
      return <>removed the domain {target ?? ""}</>;
    case "license.assigned":
      return meta.via === "key" ? (
        <>
          redeemed a license key ({target ?? "a license"}, {text(meta.plan) ?? "a plan"})
        </>
      ) : (
        <>
          assigned the license {target ?? ""} ({text(meta.plan) ?? "a plan"})
        </>
      );
    case "license.unassigned":
      return meta.replacedBy ? (
        <>replaced the license {target ?? ""}</>
      ) : (
        <>removed the license {target ?? ""}: back to the free plan</>
      );
    case "license.revoked":
      return <>revoked the license {target ?? ""}</>;
    case "deployment.activated":
      return meta.previously === "new" ? (
        <>activated with the license key</>
      ) : (
        <>activated again with the license key</>
      );
    case "deployment.deactivated":
      return <>deactivated the deployment {target ?? ""}</>;

    default: {
      // An action this widget doesn't know yet: still readable ("widget.thing_done" → "widget thing done").
      const words = event.action.replace(/[._]+/g, " ");
      return target ? (
        <>
          {words}: {target}
        </>
      ) : (
        words
      );
    }
  }
}
