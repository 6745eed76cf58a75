import { z } from "zod";

import { DOMAIN_JOIN_OWNER_REFUSED, DOMAIN_POLICIES, isDomainJoinRole } from "../domain/domains";
import { id, okOutput, organizationRef, orgScoped, role, roleInput, roleName, timestamp } from "./common";

const domainId = z.string().trim().min(1).max(100);

export const listDomainsInput = orgScoped;
/** The name as typed; the service normalizes it (IDNA, lower case) and says why when it is not a domain. */
export const addDomainInput = orgScoped.extend({ domain: z.string().trim().min(1, "Enter a domain").max(260) });
export const verifyDomainInput = orgScoped.extend({ id: domainId });
export const removeDomainInput = orgScoped.extend({ id: domainId });
export const updateDomainInput = orgScoped.extend({
  id: domainId,
  policy: z.enum(DOMAIN_POLICIES),
  joinRole: roleInput.refine(isDomainJoinRole, DOMAIN_JOIN_OWNER_REFUSED).default("member"),
});
export const joinByDomainInput = z.object({ organizationId: organizationRef });

export const domainOutput = z.object({
  id,
  domain: z.string(),
  status: z.enum(["pending", "verified"]),
  verifiedAt: timestamp.nullable(),
  policy: z.enum(DOMAIN_POLICIES),
  joinRole: role.describe(
    "The role people joining through the domain get: any of the organization's roles but `owner`.",
  ),
  /** The TXT record that proves the domain: add it at the DNS provider, then verify. */
  txtRecord: z.object({ name: z.string(), value: z.string() }),
  lastCheckedAt: timestamp.nullable(),
  lastCheckError: z.string().nullable(),
  createdAt: timestamp,
});

export const listDomainsOutput = z.object({ domains: z.array(domainOutput) });
export const domainResultOutput = z.object({ domain: domainOutput });
export const removeDomainOutput = okOutput;

const suggestedOrganization = z.object({
  id,
  handle: z.string(),
  name: z.string(),
  logoUrl: z.string().nullable(),
});

export const suggestedOrganizationsOutput = z.object({
  /** False until the signed-in user's email address is verified: then nothing is suggested. */
  emailVerified: z.boolean(),
  suggestions: z.array(
    z.object({
      organization: suggestedOrganization,
      domain: z.string(),
      role,
      roleName,
    }),
  ),
});

export const joinByDomainOutput = z.object({
  organization: suggestedOrganization,
  role,
  roleName,
  alreadyMember: z.boolean(),
});
