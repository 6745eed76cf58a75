import { z } from "zod";

import { id, okOutput, timestamp, tokenExpiry } from "./common";

export const userToken = z.object({
  id,
  name: z.string(),
  key: z.string().describe("The public half of the bearer (`tnc_user_…`)."),
  lastFour: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});

export const createUserTokenInput = z.object({
  name: z.string().trim().min(1, "Name is required").max(100),
  expiresAt: tokenExpiry,
});

export const userTokenCreatedOutput = z.object({
  userToken: userToken.extend({
    secret: z.string().describe("Shown once; stored only as its SHA-256."),
    bearer: z.string().describe("`<key>:<secret>`, for `Authorization: Bearer …`."),
  }),
});

export const listUserTokensOutput = z.object({ userTokens: z.array(userToken) });
export const revokeUserTokenInput = z.object({ id: z.string().trim().min(1).max(100) });
export const revokeUserTokenOutput = okOutput;

export type UserTokenDto = z.output<typeof userToken>;
export type UserTokenCreated = z.output<typeof userTokenCreatedOutput>;
