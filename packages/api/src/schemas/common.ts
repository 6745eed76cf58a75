import { z } from "zod";

import { BUILT_IN_ROLES, PERMISSIONS } from "../domain/permissions";

/** An organization's id or its handle (balena's `handleOrId`). */
export const organizationRef = z.string().trim().min(1, "Organization id or handle is required").max(100);

export const HANDLE_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,37}[a-z0-9])?$/;
export const handle = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "Handle must be at least 2 characters")
  .max(39, "Handle must be at most 39 characters")
  .regex(HANDLE_PATTERN, "Use lowercase letters, digits and single hyphens; no hyphen at either end")
  .refine((value) => !value.includes("--"), "Use single hyphens only");

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "Email is too long")
  .pipe(z.email("Enter a valid email address"));

export const ROLE_KEY_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const ROLE_DESCRIPTION = `A built-in role (${BUILT_IN_ROLES.map((r) => `\`${r}\``).join(", ")}) or the key of one of the organization's custom roles.`;

/** A role to give: a built-in role or the key of a custom role of the organization (checked by the service). */
export const roleInput = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "Role keys are at least 2 characters")
  .max(40, "Role keys are at most 40 characters")
  .regex(ROLE_KEY_PATTERN, "Use lowercase letters, digits and single hyphens, starting with a letter")
  .describe(ROLE_DESCRIPTION);

export const cursor = z.string().min(1).max(500).optional();

// Dates clients send must fit every store and format we use (timestamp(3), ISO strings): years 1970-9999.
const EARLIEST_DATE = Date.UTC(1970, 0, 1);
const LATEST_DATE = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A date (a Date, an ISO string or epoch milliseconds) between 1970 and 9999; anything else is invalid input. */
export const dateInput = z.coerce
  .date("Enter a valid date")
  .min(new Date(EARLIEST_DATE), "The date must be in 1970 or later")
  .max(new Date(LATEST_DATE), "The date must be before the year 10000");
/** When a token stops working: absent or null never; a past date would mint a dead token, so it is refused. */
export const tokenExpiry = dateInput
  .refine((date) => date.getTime() > Date.now(), "The expiry must be in the future")
  .nullish()
  .describe("Absent or null: never expires.");
export const limit = z.number().int().min(1).max(100).default(50);

export const orgScoped = z.object({ organizationId: organizationRef });

// Outputs. Dates are Date objects in the procedures (and over tRPC, through superjson); the JSON
// `/v1` API carries them as ISO 8601 strings, which is what the OpenAPI document says.
export const timestamp = z.date();
export const id = z.string();
export const permission = z.enum(PERMISSIONS);
/** A role as read back: a built-in role or a custom role key (a string, so custom keys fit). */
export const role = z
  .string()
  .describe(ROLE_DESCRIPTION)
  .meta({ examples: [...BUILT_IN_ROLES] });
/** A role's display name, for showing a role outside its organization's pages: a custom role's name, a built-in role's catalogue name. */
export const roleName = z
  .string()
  .describe("The role's display name (a custom role's name; `Owner`, `Admin`, … for built-in roles).");
export const okOutput = z.object({ ok: z.literal(true) });
export const nextCursor = z
  .string()
  .nullable()
  .describe("Pass as `cursor` to get the next page; null on the last page.");
