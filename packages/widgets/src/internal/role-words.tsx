import { isBuiltInRole } from "@tenancy/api/permissions";

import { roleLabel } from "../ui/role-select";

/**
 * "a member", "an admin", "a Support": a role in the middle of a sentence. Built-in names are common
 * nouns (lower case); a custom role's `name` (from the DTO's `roleName`) is kept as its organization wrote it.
 */
export function roleWithArticle(role: string, name?: string): string {
  const word = isBuiltInRole(role) ? roleLabel(role).toLowerCase() : (name ?? role);
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}

/** "1 member", "2 members", "1 pending invitation": how many of something use a role. */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
