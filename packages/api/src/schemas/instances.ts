import { z } from "zod";

import { INSTANCE_PERMISSIONS, INSTANCE_ROLES } from "../domain/instances";
import { INSTANCE_SCOPES } from "../domain/scopes";
import { cursor, email, handle, id, okOutput, organizationRef, role, timestamp, tokenExpiry } from "./common";
import { INVITATION_FILTER_FIELDS, INVITATION_SORT_FIELDS } from "./invitations";
import { licenseStatus } from "./licensing";
import { organizationDescription, organizationName } from "./organizations";
import { scopeList } from "./tokens";

export const instanceId = z.string().trim().min(1, "Instance id is required").max(100).describe("The instance's id.");
export const instanceScoped = z.object({ instanceId });
/** The seed's `orgId`: an organization of the instance, by id or handle. */
export const instanceOrgScoped = instanceScoped.extend({ orgId: organizationRef });

export const instanceRole = z.enum(INSTANCE_ROLES);
export const instancePermission = z.enum(INSTANCE_PERMISSIONS);

export const instance = z.object({
  id,
  name: z.string(),
  isDefault: z.boolean().describe("The default instance: new organizations go there."),
  createdAt: timestamp,
});

const callerRole = z
  .union([instanceRole, z.literal("token")])
  .describe('Your instance role; "token" when the caller is an instance API token.');

export const listInstancesOutput = z.object({ instances: z.array(instance.extend({ role: callerRole })) });

export const getInstanceOutput = z.object({
  instance,
  role: callerRole,
  permissions: z.array(instancePermission).readonly(),
  organizationCount: z.number().int(),
  memberCount: z.number().int().describe("Instance members (its administrators)."),
});

export const listInstanceAuditInput = instanceScoped.extend({
  cursor,
  limit: z.number().int().min(1).max(100).default(50),
});

export const createInstanceInput = z.object({ name: organizationName });
export const instanceOutput = z.object({ instance });

// ---- Organizations of an instance --------------------------------------------------------------

export const INSTANCE_ORG_STATUSES = ["all", "active", "inactive"] as const;

export const listInstanceOrgsInput = instanceScoped.extend({
  search: z.string().trim().max(100).optional().describe("Matches the name or the handle (case-insensitive)."),
  status: z.enum(INSTANCE_ORG_STATUSES).default("all"),
  cursor,
  limit: z.number().int().min(1).max(100).default(50),
});

export const instanceOrgLicense = z
  .object({ id, planKey: z.string(), planName: z.string(), status: licenseStatus, expiresAt: timestamp.nullable() })
  .nullable()
  .describe("null: no license (the free plan).");

export const instanceOrganization = z.object({
  id,
  handle: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  active: z.boolean(),
  createdAt: timestamp,
  memberCount: z.number().int(),
  license: instanceOrgLicense,
});

export const listInstanceOrgsOutput = z.object({
  organizations: z.array(instanceOrganization),
  nextCursor: z.string().nullable(),
  totalCount: z.number().int().describe("Matching the search and status filter."),
});

export const getInstanceOrgInput = instanceOrgScoped;

export const instanceOrgMember = z.object({
  userId: id,
  name: z.string(),
  email: z.string(),
  role,
  joinedAt: timestamp,
});

export const getInstanceOrgOutput = z.object({
  organization: instanceOrganization,
  members: z.array(instanceOrgMember).describe("The first 100 members, owners first."),
  pendingInvitations: z.number().int(),
});

export const createInstanceOrgInput = instanceScoped.extend({
  name: organizationName,
  handle: handle.optional().describe("Derived from the name when absent."),
  description: organizationDescription.nullish(),
  ownerEmail: email.describe(
    "Who the organization is for: a user with this verified email becomes its owner; anyone else is emailed an owner invitation.",
  ),
});

export const createInstanceOrgOutput = z.object({
  organization: instanceOrganization,
  owner: z.object({ userId: id, email: z.string() }).nullable().describe("Set when the owner was made a member."),
  invitation: z
    .object({ id, email: z.string(), expiresAt: timestamp })
    .nullable()
    .describe("Set when an owner invitation was emailed instead."),
});

export const setInstanceOrgActiveInput = instanceOrgScoped.extend({
  active: z.boolean().describe("false: the organization becomes read-only and its tokens stop working."),
});
export const setInstanceOrgActiveOutput = z.object({ organization: instanceOrganization });

// ---- Instance org invites (Losant's instanceOrgInvites) ----------------------------------------

/** Blank (or only spaces) means absent: the seed says a blank filter is no filtering, not an error. */
const blankAsAbsent = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

export const instanceOrgInvitesGetInput = instanceOrgScoped.extend({
  sortField: z
    .preprocess(blankAsAbsent, z.enum(INVITATION_SORT_FIELDS).default("inviteDate"))
    .describe("email, role or inviteDate (default)."),
  sortDirection: z
    .preprocess(blankAsAbsent, z.enum(["asc", "desc"]).default("desc"))
    .describe("asc or desc (default)."),
  filterField: z
    .preprocess(blankAsAbsent, z.enum(INVITATION_FILTER_FIELDS).optional())
    .describe("email or role. Blank or absent: no filtering."),
  filter: z
    .preprocess(blankAsAbsent, z.string().max(200).optional())
    .describe(
      "A glob on the filter field: `*` any run of characters, `?` one character, `\\` escapes them. Blank: no filtering.",
    ),
});

export const instanceOrgInvite = z.object({
  id,
  orgId: id,
  email: z.string(),
  role,
  inviteDate: timestamp,
  ttl: z.number().int().describe("How long the invitation is valid from inviteDate, in milliseconds."),
  hasExpired: z.boolean(),
  expiresAt: timestamp,
  message: z.string().nullable(),
  invitedBy: z.object({ id, name: z.string(), email: z.string() }).nullable(),
});

export const instanceOrgInvitesGetOutput = z
  .array(instanceOrgInvite)
  .describe("Pending invitations (expired ones included, with hasExpired), at most 1000.");

export const instanceOrgInvitesPostInput = instanceOrgScoped.extend({
  invite: z.object({
    email,
    role: role.default("member"),
    message: z.string().trim().max(2000).optional(),
    expiresInDays: z.number().int().min(1).max(90).default(7),
  }),
});

export const instanceOrgInvitesPostOutput = instanceOrgInvite;

// ---- Instance members ------------------------------------------------------------------------

export const instanceMember = z.object({
  userId: id,
  name: z.string(),
  email: z.string(),
  role: instanceRole,
  createdAt: timestamp,
});

export const listInstanceMembersOutput = z.object({ members: z.array(instanceMember) });
export const addInstanceMemberInput = instanceScoped.extend({ email, role: instanceRole.default("viewer") });
export const setInstanceMemberRoleInput = instanceScoped.extend({ userId: id, role: instanceRole });
export const removeInstanceMemberInput = instanceScoped.extend({ userId: id });
export const instanceMemberOutput = z.object({ member: instanceMember });

// ---- Instance API tokens ---------------------------------------------------------------------

export const instanceToken = z.object({
  id,
  name: z.string().nullable(),
  key: z.string().describe("The public half of the bearer (`tnc_inst_…`)."),
  lastFour: z.string(),
  scopes: z.array(z.string()),
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});

export const createInstanceTokenInput = instanceScoped.extend({
  name: z.string().trim().min(1).max(100).optional(),
  scopes: scopeList(INSTANCE_SCOPES)
    .refine((scopes) => scopes.length > 0, "Choose at least one scope")
    .describe("e.g. `instanceOrgInvites.*`, `all.Instance.read`."),
  expiresAt: tokenExpiry,
});

export const instanceTokenCreatedOutput = z.object({
  instanceToken: instanceToken.extend({
    secret: z.string().describe("Shown once; stored only as its SHA-256."),
    bearer: z.string().describe("`<key>:<secret>`, for `Authorization: Bearer …`."),
  }),
});

export const listInstanceTokensOutput = z.object({ instanceTokens: z.array(instanceToken) });
export const revokeInstanceTokenInput = instanceScoped.extend({ id: z.string().trim().min(1).max(100) });
export const revokeOutput = okOutput;

export type InstanceDto = z.output<typeof instance>;
export type InstanceOrganizationDto = z.output<typeof instanceOrganization>;
export type InstanceOrgInviteDto = z.output<typeof instanceOrgInvite>;
export type InstanceMemberDto = z.output<typeof instanceMember>;
export type InstanceTokenDto = z.output<typeof instanceToken>;
export type InstanceTokenCreated = z.output<typeof instanceTokenCreatedOutput>;
