import { roleLabel } from "../ui/role-select";

/** "a member", "an admin", "an owner", "a viewer": a role in the middle of a sentence. */
export function roleWithArticle(role: string): string {
  const word = roleLabel(role).toLowerCase();
  return `${/^[aeiou]/.test(word) ? "an" : "a"} ${word}`;
}
