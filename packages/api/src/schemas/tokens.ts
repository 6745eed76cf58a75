import { z } from "zod";

import { ORGANIZATION_SCOPES } from "../domain/scopes";
import { id, okOutput, orgScoped, timestamp } from "./common";

export const API_TOKEN_ENVS = ["live", "test"] as const;

/** A list of scope names from `vocabulary`, each at most once (order kept). */
export function scopeList(vocabulary: readonly string[]) {
  return z
    .array(
      z
        .string()
        .trim()
        .refine((scope) => vocabulary.includes(scope), { message: "Unknown scope" }),
    )
    .max(vocabulary.length)
    .transform((scopes) => [...new Set(scopes)]);
}

export const createApiTokenInput = orgScoped.extend({
  name: z.string().trim().min(1).max(100).optional(),
  env: z.enum(API_TOKEN_ENVS).default("live"),
  scopes: scopeList(ORGANIZATION_SCOPES)
    .optional()
    .describe(
      "e.g. `organization.read`, `members.*`, `invitations.create`, `all.Organization.read`. Absent or empty: every power an organization token has.",
    ),
});

export const listApiTokensInput = orgScoped.extend({
  /** Revoked tokens are left out unless asked for. */
  includeRevoked: z.boolean().default(false),
});
export const revokeApiTokenInput = orgScoped.extend({ id: z.string().trim().min(1).max(100) });

export const apiToken = z.object({
  id,
  name: z.string().nullable(),
  env: z.enum(API_TOKEN_ENVS),
  key: z.string().describe("The public half of the bearer."),
  lastFour: z.string(),
  scopes: z.array(z.string()).describe("Empty: every power an organization token has."),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});

export const apiTokenCreatedOutput = z.object({
  apiToken: apiToken.extend({
    secret: z.string().describe("Shown once; stored only as its SHA-256."),
    bearer: z.string().describe("`<key>:<secret>`, for `Authorization: Bearer …`."),
  }),
});

export const listApiTokensOutput = z.object({
  apiTokens: z.array(apiToken),
  revokedCount: z.number().int().describe("How many revoked tokens there are, listed or not."),
});
export const revokeApiTokenOutput = okOutput;

export type ApiTokenDto = z.output<typeof apiToken>;
export type ApiTokenCreated = z.output<typeof apiTokenCreatedOutput>;
