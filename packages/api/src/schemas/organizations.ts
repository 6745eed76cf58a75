import { z } from "zod";

import { handle, orgScoped } from "./common";

export const organizationName = z
  .string()
  .trim()
  .min(1, "Name is required")
  .max(100, "Name must be at most 100 characters");
export const organizationDescription = z.string().trim().max(1000, "Description must be at most 1000 characters");

export const createOrganizationInput = z.object({
  name: organizationName,
  handle: handle.optional(),
  description: organizationDescription.nullish(),
});

export const getOrganizationInput = orgScoped;

export const listOrganizationsInput = z.object({ activeOnly: z.boolean().optional() }).optional();

export const updateOrganizationInput = orgScoped.extend({
  name: organizationName.optional(),
  description: organizationDescription.nullish(),
  handle: handle.optional(),
  active: z.boolean().optional(),
});

export const deleteOrganizationInput = orgScoped;

export const handleAvailabilityInput = z.object({ handle: z.string().trim().toLowerCase().max(100) });
