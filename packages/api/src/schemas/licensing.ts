import { z } from "zod";

import { FREE_PLAN_KEY } from "../domain/licensing";
import { cursor, dateInput, id, limit, nextCursor, okOutput, orgScoped, timestamp } from "./common";
import { auditEvent } from "./audit";

// ---- Shared pieces ---------------------------------------------------------------------------------

/** A seat or deployment limit: a whole number, or null for unlimited. */
export const limitValue = z.number().int().min(0).max(1_000_000);

export const FEATURE_PATTERN = /^[a-z0-9][a-z0-9._:-]{0,63}$/;
export const feature = z
  .string()
  .trim()
  .toLowerCase()
  .regex(FEATURE_PATTERN, "Use lowercase letters, digits, and . _ : - (e.g. sso, audit-export)");
export const featureList = z
  .array(feature)
  .max(50, "At most 50 features")
  .transform((features) => [...new Set(features)]);

export const PLAN_KEY_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
export const planKey = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "Plan key is required")
  .max(32, "Plan key must be at most 32 characters")
  .regex(PLAN_KEY_PATTERN, "Use lowercase letters, digits and hyphens (e.g. team, enterprise)");

export const limits = z.object({
  seats: z
    .number()
    .int()
    .nullable()
    .describe("Members an organization may have (pending invitations hold seats too); null: unlimited."),
  deployments: z.number().int().nullable().describe("Deployments that may be active at once; null: unlimited."),
  features: z.array(z.string()).describe("Feature flags your product can read."),
});

export const planRef = z.object({ key: z.string(), name: z.string() });

export const LICENSE_STATUSES = ["active", "scheduled", "expired", "revoked"] as const;
export const licenseStatus = z
  .enum(LICENSE_STATUSES)
  .describe(
    "`scheduled`: before validFrom. Only an `active` license gives its limits; otherwise the free plan applies.",
  );

export const DEPLOYMENT_STATUSES = ["active", "inactive", "deactivated"] as const;
export const deploymentStatus = z
  .enum(DEPLOYMENT_STATUSES)
  .describe("`inactive`: silent longer than the server's window (not counted against the limit).");

const organizationRefOutput = z.object({ id, handle: z.string(), name: z.string() });

// ---- Plans ------------------------------------------------------------------------------------------

export const plan = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  limits,
  builtIn: z.boolean().describe(`true for \`${FREE_PLAN_KEY}\`: its limits come from the server's configuration.`),
  archived: z.boolean().describe("Archived plans are not offered for new licenses."),
  createdAt: timestamp.nullable(),
  updatedAt: timestamp.nullable(),
});

export const listPlansInput = z
  .object({ includeArchived: z.boolean().optional().describe("Also list archived plans.") })
  .optional();
export const listPlansOutput = z.object({ plans: z.array(plan) });

const planName = z.string().trim().min(1, "Name is required").max(100, "Name must be at most 100 characters");
const planDescription = z.string().trim().max(500, "Description must be at most 500 characters");

export const createPlanInput = z.object({
  key: planKey.describe(`Stable identifier, e.g. \`team\`; \`${FREE_PLAN_KEY}\` is built in.`),
  name: planName,
  description: planDescription.nullish(),
  seats: limitValue.nullable().describe("null: unlimited."),
  deployments: limitValue.nullable().describe("null: unlimited."),
  features: featureList.default([]),
});

export const updatePlanInput = z.object({
  key: planKey,
  name: planName.optional(),
  description: planDescription.nullish().describe("Absent: unchanged. null: cleared."),
  seats: limitValue.nullish().describe("Absent: unchanged. null: unlimited."),
  deployments: limitValue.nullish().describe("Absent: unchanged. null: unlimited."),
  features: featureList.optional(),
  archived: z.boolean().optional(),
});

export const planOutput = z.object({ plan });

// ---- Deployments -----------------------------------------------------------------------------------

export const deployment = z.object({
  id,
  name: z.string(),
  fingerprint: z.string(),
  version: z.string().nullable(),
  url: z.string().nullable(),
  status: deploymentStatus,
  activatedAt: timestamp,
  lastSeenAt: timestamp,
  deactivatedAt: timestamp.nullable(),
});

// ---- Licenses (operators) ----------------------------------------------------------------------------

export const MAX_CUSTOMER_LENGTH = 200;

export const license = z.object({
  id,
  plan: planRef,
  limits: limits.describe("What the license was issued with (signed into its key)."),
  customer: z.string(),
  validFrom: timestamp,
  expiresAt: timestamp.nullable().describe("null: never expires."),
  status: licenseStatus,
  createdAt: timestamp,
  revokedAt: timestamp.nullable(),
  keyId: z.string().describe("The signing key that signed it."),
  organization: organizationRefOutput.nullable().describe("The organization it is assigned to."),
  assignedAt: timestamp.nullable(),
  activeDeployments: z.number().int(),
});

export const licenseKey = z
  .string()
  .describe("The signed license key (`tnc_lic1.<payload>.<signature>`): verify it offline with @tenancy/license.");

export const createLicenseInput = z.object({
  planKey,
  customer: z
    .string()
    .trim()
    .min(1, "Say who the license is for")
    .max(MAX_CUSTOMER_LENGTH, `At most ${MAX_CUSTOMER_LENGTH} characters`),
  seats: limitValue.nullish().describe("Absent: the plan's. null: unlimited."),
  deployments: limitValue.nullish().describe("Absent: the plan's. null: unlimited."),
  features: featureList.optional().describe("Absent: the plan's. Given: replaces them."),
  validFrom: dateInput.optional().describe("Absent: now."),
  expiresAt: dateInput.nullish().describe("Absent or null: never expires."),
});

export const licenseWithKeyOutput = z.object({ license, key: licenseKey });

export const listLicensesInput = z
  .object({
    cursor,
    limit,
    search: z.string().trim().max(200).optional().describe("Part of the customer, or a license id."),
    status: licenseStatus.optional(),
  })
  .optional();
export const listLicensesOutput = z.object({
  licenses: z.array(license.extend({ key: licenseKey })),
  nextCursor,
});

export const licenseIdInput = z.object({ id: z.string().trim().min(1).max(100) });

export const getLicenseOutput = z.object({
  license,
  key: licenseKey,
  deployments: z.array(deployment),
  events: z.array(auditEvent).describe("The license's trail, newest first (at most 100)."),
});

export const revokeLicenseOutput = okOutput.extend({ license });

const publicJwk = z.object({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  x: z.string(),
  kid: z.string(),
  alg: z.literal("EdDSA"),
  use: z.literal("sig"),
});
const publicKeyEntry = z.object({ keyId: z.string(), publicKeyPem: z.string(), jwk: publicJwk });

export const publicKeyOutput = publicKeyEntry.extend({
  algorithm: z.literal("Ed25519"),
  previousKeys: z
    .array(publicKeyEntry)
    .describe("Earlier signing keys whose license keys are still accepted (after a rotation)."),
});

// ---- An organization's license ---------------------------------------------------------------------

export const organizationLicenseOutput = z.object({
  plan: planRef
    .extend({ builtIn: z.boolean() })
    .describe("The plan in force: the license's while it is active, else free."),
  limits,
  seats: z.object({
    members: z.number().int(),
    reserved: z.number().int().describe("Seats held by pending invitations."),
    limit: z.number().int().nullable(),
    available: z.number().int().nullable().describe("null: unlimited."),
  }),
  deployments: z.object({ active: z.number().int(), limit: z.number().int().nullable() }),
  license: z
    .object({
      id,
      plan: planRef,
      limits,
      customer: z.string(),
      validFrom: timestamp,
      expiresAt: timestamp.nullable(),
      status: licenseStatus,
      assignedAt: timestamp,
      key: licenseKey.nullable().describe("Shown to those who may manage the license (owners); null otherwise."),
    })
    .nullable()
    .describe("The assigned license, whatever its status; null: none (the free plan)."),
});

export const getOrganizationLicenseInput = orgScoped;

export const assignLicenseInput = orgScoped
  .extend({
    licenseId: id.max(100).optional().describe("Platform operators: a license by id."),
    licenseKey: z.string().trim().max(8192).optional().describe("Owners: redeem a license key."),
  })
  .superRefine((input, ctx) => {
    if ((input.licenseId === undefined) === (input.licenseKey === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [input.licenseId === undefined ? "licenseKey" : "licenseId"],
        message: "Give either licenseId or licenseKey",
      });
    }
  });

export const unassignLicenseInput = orgScoped;

export const listOrganizationDeploymentsInput = orgScoped;
export const listOrganizationDeploymentsOutput = z.object({
  deployments: z.array(deployment),
  active: z.number().int(),
  limit: z.number().int().nullable(),
});

export const deactivateDeploymentInput = orgScoped.extend({ id: z.string().trim().min(1).max(100) });
export const deactivateDeploymentOutput = okOutput.extend({ deployment });

// ---- Deployments (the customer's product) ----------------------------------------------------------

export const licenseCheck = z.object({
  id,
  status: licenseStatus,
  plan: planRef.extend({ builtIn: z.boolean() }).describe("The plan in force (free when the license is not active)."),
  limits,
  expiresAt: timestamp.nullable(),
});

export const activateDeploymentInput = z.object({
  licenseKey: z.string().trim().min(1, "The license key is required").max(8192),
  name: z.string().trim().min(1, "Name is required").max(100),
  fingerprint: z
    .string()
    .trim()
    .min(1, "Fingerprint is required")
    .max(200)
    .describe(
      "Stable per installation (e.g. a hash of a machine id): activating again with it is the same deployment.",
    ),
  version: z.string().trim().max(100).nullish(),
  url: z
    .url({ protocol: /^https?$/, error: "Enter an http(s) URL" })
    .max(2000)
    .nullish(),
});

export const activateDeploymentOutput = z.object({
  deployment,
  token: z.string().describe("The deployment token for deployments.heartbeat: shown once, stored only as its SHA-256."),
  license: licenseCheck,
});

export const heartbeatInput = z.object({
  token: z.string().trim().min(1).max(200),
  version: z.string().trim().max(100).nullish().describe("Absent: unchanged."),
});

export const heartbeatOutput = z.object({ deployment, license: licenseCheck });

export type PlanDto = z.output<typeof plan>;
export type LicenseDto = z.output<typeof license>;
export type DeploymentDto = z.output<typeof deployment>;
export type OrganizationLicenseDto = z.output<typeof organizationLicenseOutput>;
export type LicenseCheckDto = z.output<typeof licenseCheck>;
export type PublicKeyDto = z.output<typeof publicKeyOutput>;
