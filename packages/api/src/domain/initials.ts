// Client-safe: the header, the switcher, the members table, the invite page and the emails all use
// this one rule, so a name gets the same initials everywhere.

/**
 * Up to two letters for a monogram: the first letters of the first two words ("Ada Lovelace" → "AL"),
 * one letter for a single word ("Acme" → "A"), else from the fallback (an email: its local part,
 * "ada.l@x" → "AL"), else "?".
 */
export function initialsOf(name: string | null | undefined, fallback?: string | null): string {
  const fromName = lettersOf(name ?? "");
  if (fromName) return fromName;
  const local = (fallback ?? "").split("@")[0] ?? "";
  return lettersOf(local.replace(/[._+-]+/g, " ")) || "?";
}

function lettersOf(text: string): string {
  // Words start with a letter or digit; punctuation and emoji are not initials.
  const words = text
    .normalize("NFKC")
    .split(/\s+/)
    .map((word) => [...word.replace(/^[^\p{L}\p{N}]+/u, "")])
    .filter((chars) => chars.length > 0);
  if (words.length === 0) return "";
  const letters = words.length === 1 ? [words[0]![0]!] : [words[0]![0]!, words[1]![0]!];
  return letters.join("").toLocaleUpperCase();
}
