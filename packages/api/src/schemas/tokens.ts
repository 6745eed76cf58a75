import { z } from "zod";

import { orgScoped } from "./common";

export const API_TOKEN_ENVS = ["live", "test"] as const;

export const createApiTokenInput = orgScoped.extend({
  name: z.string().trim().min(1).max(100).optional(),
  env: z.enum(API_TOKEN_ENVS).default("live"),
});

export const listApiTokensInput = orgScoped;
export const revokeApiTokenInput = orgScoped.extend({ id: z.string().trim().min(1).max(100) });
