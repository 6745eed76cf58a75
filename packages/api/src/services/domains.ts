import { createHmac } from "node:crypto";

import type { Database, DbClient, Prisma } from "@tenancy/db/client";
import { isUniqueViolation } from "@tenancy/db/errors";
import type { z } from "zod";

import { acceptedSecrets, type ApiConfig } from "../config";
import type { Actor, UserActor } from "../domain/actor";
import {
  DOMAIN_JOIN_OWNER_REFUSED,
  emailDomainOf,
  isDomainJoinRole,
  MAX_DOMAINS_PER_ORGANIZATION,
  normalizeDomain,
  verificationRecordName,
  type DomainPolicy,
} from "../domain/domains";
import { conflict, invalid, notFound } from "../domain/errors";
import { withLogoUrl } from "../domain/images";
import { roleDisplayName } from "../domain/permissions";
import type { domainOutput, joinByDomainOutput, suggestedOrganizationsOutput } from "../schemas/domains";
import {
  assertEmailVerified,
  organizationInactive,
  organizationNotFound,
  organizationWhere,
  type OrganizationAccess,
} from "./access";
import { recordAudit } from "./audit";
import { lookupTxt } from "./dnsProof";
import { lockOrganizationMemberships } from "./locks";
import { assertRoleGrantable } from "./roleGrants";
import {
  ORGANIZATION_SUMMARY_COLUMNS,
  splitOrganizationSummary,
  type OrganizationSummaryColumns,
} from "./organizationSummary";

export type DomainDto = z.infer<typeof domainOutput>;

const domainSelect = {
  id: true,
  domain: true,
  verifiedDomain: true,
  verifiedAt: true,
  policy: true,
  joinRole: true,
  lastCheckedAt: true,
  lastCheckError: true,
  createdAt: true,
} as const;

type DomainRow = Prisma.OrganizationDomainGetPayload<{ select: typeof domainSelect }>;

/**
 * The TXT value that proves a claim: derived from the server secret and the claim's id, so it is
 * never stored, cannot be guessed for another claim, and can be shown again at any time.
 */
function verificationValue(secret: string, domainId: string): string {
  const proof = createHmac("sha256", secret).update(`domain-verification:v1:${domainId}`).digest("base64url");
  return `tenancy-verification=${proof}`;
}

function toDomainDto(row: DomainRow, secret: string): DomainDto {
  return {
    id: row.id,
    domain: row.domain,
    status: row.verifiedDomain ? "verified" : "pending",
    verifiedAt: row.verifiedAt,
    policy: row.policy as DomainPolicy,
    joinRole: row.joinRole,
    txtRecord: { name: verificationRecordName(row.domain), value: verificationValue(secret, row.id) },
    lastCheckedAt: row.lastCheckedAt,
    lastCheckError: row.lastCheckError,
    createdAt: row.createdAt,
  };
}

const domainNotFound = () => notFound("domain_not_found", "Domain not found");

async function loadDomain(db: DbClient, access: OrganizationAccess, id: string): Promise<DomainRow> {
  const row = await db.organizationDomain.findFirst({
    where: { id, organizationId: access.organization.id },
    select: domainSelect,
  });
  if (!row) throw domainNotFound();
  return row;
}

export async function listDomains(
  db: DbClient,
  config: ApiConfig,
  access: OrganizationAccess,
): Promise<{ domains: DomainDto[] }> {
  const rows = await db.organizationDomain.findMany({
    where: { organizationId: access.organization.id },
    orderBy: { createdAt: "asc" },
    select: domainSelect,
  });
  return { domains: rows.map((row) => toDomainDto(row, config.secrets.current)) };
}

/** Claims a domain for the organization; it does nothing until proven with the TXT record. */
export async function addDomain(
  db: Database,
  config: ApiConfig,
  actor: Actor,
  access: OrganizationAccess,
  input: { domain: string },
): Promise<{ domain: DomainDto }> {
  const normalized = normalizeDomain(input.domain);
  if (!normalized.ok) throw invalid("domain_invalid", normalized.problem, { field: "domain" });
  const organizationId = access.organization.id;
  try {
    const row = await db.$transaction(async (tx) => {
      const count = await tx.organizationDomain.count({ where: { organizationId } });
      if (count >= MAX_DOMAINS_PER_ORGANIZATION) {
        throw conflict(
          "domain_limit_reached",
          `An organization can have at most ${MAX_DOMAINS_PER_ORGANIZATION} domains; remove one first`,
        );
      }
      const created = await tx.organizationDomain.create({
        data: {
          organizationId,
          domain: normalized.domain,
          createdById: actor.type === "user" ? actor.userId : null,
        },
        select: domainSelect,
      });
      await recordAudit(tx, {
        organizationId,
        actor,
        action: "domain.added",
        target: { type: "domain", id: created.id, label: created.domain },
      });
      return created;
    });
    return { domain: toDomainDto(row, config.secrets.current) };
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict("domain_already_added", `${normalized.domain} is already one of this organization's domains`);
    }
    throw error;
  }
}

/**
 * Looks for the TXT record and, when it carries this claim's value, marks the domain verified. A
 * domain is verified for one organization at most (domain_taken for the next). The outcome of a
 * failed check is kept on the claim (lastCheckError) and returned, not thrown: it is an answer.
 */
export async function verifyDomain(
  db: Database,
  config: ApiConfig,
  actor: Actor,
  access: OrganizationAccess,
  id: string,
): Promise<{ domain: DomainDto }> {
  const row = await loadDomain(db, access, id);
  if (row.verifiedDomain) return { domain: toDomainDto(row, config.secrets.current) };
  const expected = verificationValue(config.secrets.current, row.id);
  // A record published before a secret rotation still proves the claim.
  const accepted = acceptedSecrets(config.secrets).map((secret) => verificationValue(secret, row.id));
  const recordName = verificationRecordName(row.domain);
  // Outside any transaction: a slow DNS server must not hold database locks.
  const lookup = await lookupTxt(recordName, config.dns);
  const now = new Date();
  const proven = lookup.ok && lookup.values.some((value) => accepted.includes(value.trim()));
  if (!proven) {
    const lastCheckError = lookup.ok ? `${recordName} has TXT records, but none is ${expected}.` : lookup.message;
    const updated = await db.organizationDomain.update({
      where: { id: row.id },
      data: { lastCheckedAt: now, lastCheckError },
      select: domainSelect,
    });
    return { domain: toDomainDto(updated, config.secrets.current) };
  }
  try {
    const updated = await db.$transaction(async (tx) => {
      const verified = await tx.organizationDomain.update({
        where: { id: row.id },
        data: { verifiedDomain: row.domain, verifiedAt: now, lastCheckedAt: now, lastCheckError: null },
        select: domainSelect,
      });
      await recordAudit(tx, {
        organizationId: access.organization.id,
        actor,
        action: "domain.verified",
        target: { type: "domain", id: row.id, label: row.domain },
      });
      return verified;
    });
    return { domain: toDomainDto(updated, config.secrets.current) };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await db.organizationDomain.update({
      where: { id: row.id },
      data: { lastCheckedAt: now, lastCheckError: "Another organization has already verified this domain." },
      select: { id: true },
    });
    throw conflict("domain_taken", `${row.domain} is already verified by another organization`);
  }
}

/**
 * What happens to people with a verified address in the domain: nothing, a suggestion, or joining
 * automatically, as `joinRole`: any of the organization's roles but `owner`, under the grant rule
 * every role-granting path follows (the caller can only choose a role within their own permissions;
 * a custom role is read under the membership lock, so it cannot be deleted in between).
 */
export async function updateDomainPolicy(
  db: Database,
  config: ApiConfig,
  actor: Actor,
  access: OrganizationAccess,
  input: { id: string; policy: DomainPolicy; joinRole: string },
): Promise<{ domain: DomainDto }> {
  if (!isDomainJoinRole(input.joinRole))
    throw invalid("invalid_input", DOMAIN_JOIN_OWNER_REFUSED, { field: "joinRole" });
  const updated = await db.$transaction(async (tx) => {
    const row = await loadDomain(tx, access, input.id);
    if (!row.verifiedDomain && input.policy !== "none") {
      throw conflict("domain_not_verified", `Verify ${row.domain} before choosing what happens to its people`);
    }
    if (row.policy === input.policy && row.joinRole === input.joinRole) return row;
    // Choosing who joins as what is granting the role: checked even when only the policy changes.
    await assertRoleGrantable(tx, access, input.joinRole, "joinRole");
    const changed = await tx.organizationDomain.update({
      where: { id: row.id },
      data: { policy: input.policy, joinRole: input.joinRole },
      select: domainSelect,
    });
    await recordAudit(tx, {
      organizationId: access.organization.id,
      actor,
      action: "domain.policy_changed",
      target: { type: "domain", id: row.id, label: row.domain },
      metadata: { policy: input.policy, role: input.joinRole, previousPolicy: row.policy, previousRole: row.joinRole },
    });
    return changed;
  });
  return { domain: toDomainDto(updated, config.secrets.current) };
}

/** Drops the claim: nobody joins through it any more (existing members stay). */
export async function removeDomain(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
  id: string,
): Promise<{ ok: true }> {
  await db.$transaction(async (tx) => {
    const row = await loadDomain(tx, access, id);
    await tx.organizationDomain.delete({ where: { id: row.id }, select: { id: true } });
    await recordAudit(tx, {
      organizationId: access.organization.id,
      actor,
      action: "domain.removed",
      target: { type: "domain", id: row.id, label: row.domain },
      metadata: { wasVerified: row.verifiedDomain !== null },
    });
  });
  return { ok: true };
}

/** A verified domain that may let people in, with its organization and its join role's name. */
interface JoinableDomain {
  id: string;
  domain: string;
  policy: string;
  joinRole: string;
  /** The custom join role's name (organization_role, joined in the same statement); null for a built-in role. */
  joinRoleName: string | null;
  organization: { id: string; handle: string; name: string; active: boolean; logoSha256: string | null };
}

/**
 * The verified domain of `email` that lets people in (suggest or auto_join), with its organization.
 * Keyed on the address being verified: an unverified address proves nothing about its owner.
 */
async function joinableDomainFor(
  db: DbClient,
  user: { email: string; emailVerified: boolean },
): Promise<JoinableDomain | null> {
  if (!user.emailVerified) return null;
  const domain = emailDomainOf(user.email);
  if (!domain) return null;
  // One statement: the organization and the join role's name come with the domain.
  const [row] = await db.$queryRaw<(Omit<JoinableDomain, "organization"> & OrganizationSummaryColumns)[]>`
    SELECT d."id", d."domain", d."policy", d."joinRole", r."name" AS "joinRoleName", ${ORGANIZATION_SUMMARY_COLUMNS}
    FROM "organization_domain" d
    JOIN "organization" o ON o."id" = d."organizationId"
    LEFT JOIN "organization_role" r ON r."organizationId" = d."organizationId" AND r."key" = d."joinRole"
    WHERE d."verifiedDomain" = ${domain}`;
  if (!row || row.policy === "none") return null;
  const { rest, organization } = splitOrganizationSummary(row);
  return {
    ...rest,
    organization,
  };
}

async function userForDomains(db: DbClient, userId: string) {
  return db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, name: true, emailVerified: true },
  });
}

type SuggestedOrganizations = z.infer<typeof suggestedOrganizationsOutput>;

/** For /welcome: the organization that verified the user's email domain and invites its people, if they are not in it yet. */
export async function suggestedOrganizations(db: DbClient, actor: UserActor): Promise<SuggestedOrganizations> {
  const user = await userForDomains(db, actor.userId);
  if (!user?.emailVerified) return { emailVerified: false, suggestions: [] };
  const row = await joinableDomainFor(db, user);
  if (!row || !row.organization.active) return { emailVerified: true, suggestions: [] };
  const member = await db.membership.findUnique({
    where: { organizationId_userId: { organizationId: row.organization.id, userId: user.id } },
    select: { id: true },
  });
  if (member) return { emailVerified: true, suggestions: [] };
  const { active: _active, ...organization } = row.organization;
  return {
    emailVerified: true,
    suggestions: [
      {
        organization: withLogoUrl(organization),
        domain: row.domain,
        role: row.joinRole,
        roleName: roleDisplayName(row.joinRole, row.joinRoleName),
      },
    ],
  };
}

type JoinByDomainResult = z.infer<typeof joinByDomainOutput>;

/**
 * Makes the user a member with the domain's role, in one transaction with its audit event. The
 * domain's policy and role are read again under the organization's membership lock (which
 * customRoles.delete holds while it reassigns domains): nobody joins as a role deleted meanwhile.
 * null: the domain no longer lets people in.
 */
async function joinThroughDomain(
  db: Database,
  user: { id: string; email: string; name: string; emailVerified: boolean },
  domain: JoinableDomain,
  automatic: boolean,
): Promise<JoinByDomainResult | null> {
  const { active: _active, ...organizationRow } = domain.organization;
  const organization = withLogoUrl(organizationRow);
  const actor: UserActor = {
    type: "user",
    userId: user.id,
    email: user.email,
    name: user.name,
    emailVerified: user.emailVerified,
  };
  try {
    return await db.$transaction(async (tx) => {
      // The same lock as every membership change (seat limits will be checked under it too).
      await lockOrganizationMemberships(tx, organization.id);
      const [current] = await tx.$queryRaw<
        {
          policy: string;
          joinRole: string;
          joinRoleName: string | null;
          memberRole: string | null;
          memberRoleName: string | null;
        }[]
      >`
        SELECT d."policy", d."joinRole", dr."name" AS "joinRoleName", m."role" AS "memberRole", mr."name" AS "memberRoleName"
        FROM "organization_domain" d
        LEFT JOIN "organization_role" dr ON dr."organizationId" = d."organizationId" AND dr."key" = d."joinRole"
        LEFT JOIN "membership" m ON m."organizationId" = d."organizationId" AND m."userId" = ${user.id}
        LEFT JOIN "organization_role" mr ON mr."organizationId" = m."organizationId" AND mr."key" = m."role"
        WHERE d."id" = ${domain.id} AND d."organizationId" = ${organization.id} AND d."verifiedDomain" IS NOT NULL`;
      if (!current || current.policy === "none" || (automatic && current.policy !== "auto_join")) return null;
      if (current.memberRole !== null) {
        const role = current.memberRole;
        return { organization, role, roleName: roleDisplayName(role, current.memberRoleName), alreadyMember: true };
      }
      const role = current.joinRole;
      await tx.membership.create({
        data: { organizationId: organization.id, userId: user.id, role },
        select: { id: true },
      });
      await recordAudit(tx, {
        organizationId: organization.id,
        actor,
        action: "member.joined_by_domain",
        target: { type: "user", id: user.id, label: user.email },
        metadata: { domain: domain.domain, role, automatic },
      });
      return { organization, role, roleName: roleDisplayName(role, current.joinRoleName), alreadyMember: false };
    });
  } catch (error) {
    // Joined at the same moment another way: a member either way.
    if (!isUniqueViolation(error)) throw error;
    const role = domain.joinRole;
    return { organization, role, roleName: roleDisplayName(role, domain.joinRoleName), alreadyMember: true };
  }
}

/** The user joins an organization suggested to them through their verified email domain. */
export async function joinByDomain(
  db: Database,
  actor: UserActor,
  organizationRef: string,
): Promise<JoinByDomainResult> {
  const user = await userForDomains(db, actor.userId);
  if (!user) throw organizationNotFound();
  // The rule every "addressed to your email" action follows (the database's word, not the session's).
  assertEmailVerified({ ...actor, emailVerified: user.emailVerified });
  const row = await joinableDomainFor(db, user);
  const where = organizationWhere(organizationRef);
  const matches = row && ("id" in where ? row.organization.id === where.id : row.organization.handle === where.handle);
  // Any other organization: the same answer as for one that does not exist.
  if (!row || !matches) throw organizationNotFound();
  if (!row.organization.active) throw organizationInactive();
  const joined = await joinThroughDomain(db, user, row, false);
  if (!joined) throw organizationNotFound();
  return joined;
}

/**
 * Called once the user's email address has been verified: joins the organization whose verified
 * domain matches and is set to auto_join (at most one: a domain is verified by one organization).
 * Happens at that moment only, so someone an admin removes later is not added back.
 */
export async function autoJoinByVerifiedEmail(
  db: Database,
  who: string | { id: string; email: string; name: string; emailVerified: true },
): Promise<JoinByDomainResult | null> {
  // A caller that just verified the address passes the user it knows: no statement to read them again.
  const user = typeof who === "string" ? await userForDomains(db, who) : who;
  if (!user) return null;
  const row = await joinableDomainFor(db, user);
  if (!row || row.policy !== "auto_join" || !row.organization.active) return null;
  return joinThroughDomain(db, user, row, true);
}
