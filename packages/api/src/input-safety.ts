/**
 * Strings PostgreSQL cannot store. A NUL character (U+0000) in a text parameter makes the query
 * fail, so a NUL anywhere in an input is refused as invalid input before any procedure runs, for
 * every procedure at once (trpc.ts applies this to the base procedure), rather than field by field.
 */
export type InputPath = (string | number)[];

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * Paths of the strings (values or keys) that contain a NUL character, at most `max` of them.
 * Iterative, so a deeply nested input cannot exhaust the stack.
 */
export function nulCharacterPaths(input: unknown, max = 20): InputPath[] {
  const found: InputPath[] = [];
  const stack: { value: unknown; path: InputPath }[] = [{ value: input, path: [] }];
  while (stack.length > 0 && found.length < max) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      if (value.includes("\u0000")) found.push(path);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
    } else if (isPlainObject(value)) {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        if (key.includes("\u0000")) found.push([...path, key]);
        else stack.push({ value: value[key], path: [...path, key] });
      }
    }
  }
  return found;
}

export const NUL_CHARACTER_MESSAGE = "Must not contain a NUL character (\\u0000)";
