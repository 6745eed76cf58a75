import { z } from "zod";

import { dateInput, id, okOutput, orgScoped, role, roleInput, roleName, timestamp } from "./common";

export const createJoinCodeInput = orgScoped.extend({
  role: roleInput.default("member"),
  maxUses: z.number().int().min(1).max(1_000_000).nullish().describe("Absent or null: unlimited."),
  expiresAt: dateInput.nullish().describe("Absent or null: never expires."),
});

export const listJoinCodesInput = orgScoped;
export const revokeJoinCodeInput = orgScoped.extend({ id: z.string().trim().min(1).max(100) });

export const joinWithCodeInput = z.object({
  code: z.string().trim().min(4, "Enter the code").max(64, "That code is not valid"),
});

export const JOIN_CODE_STATUSES = ["active", "expired", "revoked", "exhausted"] as const;

export const joinCode = z.object({
  id,
  organizationId: id,
  role,
  hint: z.string().describe('The last characters of the code, e.g. "•••••-••7Q2"; never the code.'),
  maxUses: z.number().int().nullable().describe("null: unlimited."),
  uses: z.number().int(),
  expiresAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
  createdAt: timestamp,
  status: z.enum(JOIN_CODE_STATUSES),
});

export const joinCodeCreatedOutput = z.object({
  joinCode,
  code: z.string().describe("The code to share: shown once, stored only as its SHA-256."),
});

export const listJoinCodesOutput = z.object({ joinCodes: z.array(joinCode) });
export const revokeJoinCodeOutput = okOutput;

export const joinWithCodeOutput = z.object({
  organizationId: id,
  organization: z.object({ id, handle: z.string(), name: z.string() }).describe("The organization joined."),
  role,
  roleName,
  alreadyMember: z.boolean().describe("true if you were already a member (your role is unchanged)."),
});

export type JoinCodeStatus = (typeof JOIN_CODE_STATUSES)[number];
export type JoinCodeDto = z.output<typeof joinCode>;
