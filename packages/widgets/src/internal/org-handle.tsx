import { isReservedHandle, slugifyHandle } from "@tenancy/api/handles";
import { handle as handleSchema } from "@tenancy/api/schemas/common";

// The API's own handle rules (client-safe modules), for instant feedback; the server re-validates.

/** Why `handle` is not a usable handle, in words; null when it is fine. */
export function handleProblem(handle: string): string | null {
  const parsed = handleSchema.safeParse(handle);
  if (!parsed.success) return `${parsed.error.issues[0]?.message ?? "That handle can't be used"}.`;
  if (isReservedHandle(parsed.data)) return "That handle is reserved.";
  return null;
}

/** "Acme Café, Inc." → "acme-cafe-inc": the handle the server would derive from the name. */
export function suggestHandle(name: string): string {
  return name.trim() ? slugifyHandle(name) : "";
}
