import { z } from "zod";

import { orgScoped, role } from "./common";

export const createJoinCodeInput = orgScoped.extend({
  role: role.default("member"),
  /** Absent or null = unlimited. */
  maxUses: z.number().int().min(1).max(1_000_000).nullish(),
  expiresAt: z.coerce.date().nullish(),
});

export const listJoinCodesInput = orgScoped;
export const revokeJoinCodeInput = orgScoped.extend({ id: z.string().trim().min(1).max(100) });

export const joinWithCodeInput = z.object({
  code: z.string().trim().min(4, "Enter the code").max(64, "That code is not valid"),
});
