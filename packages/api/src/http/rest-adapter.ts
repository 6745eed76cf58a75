import type { RestMethod, RestRoute } from "./rest-routes";

/** The routes whose path template matches `pathname`, with the parameters it binds. */
export function matchRestRoutes(
  routes: readonly RestRoute[],
  pathname: string,
): { route: RestRoute; params: Record<string, string> }[] {
  const segments = pathname.split("/").filter(Boolean);
  const matches: { route: RestRoute; params: Record<string, string> }[] = [];
  for (const route of routes) {
    const template = route.path.split("/").filter(Boolean);
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matched = template.every((part, index) => {
      const segment = segments[index]!;
      const name = /^\{(.+)\}$/.exec(part)?.[1];
      if (!name) return part === segment;
      try {
        params[name] = decodeURIComponent(segment);
      } catch {
        return false;
      }
      return params[name] !== "";
    });
    if (matched) matches.push({ route, params });
  }
  return matches;
}

export type RestInput =
  { ok: true; input: unknown } | { ok: false; message: string; fieldErrors: Record<string, string[]> };

function queryValue(raw: string, type: "boolean" | "integer" | "string"): { value: unknown } | { error: string } {
  if (type === "string") return { value: raw };
  if (type === "integer") return /^-?\d{1,15}$/.test(raw) ? { value: Number(raw) } : { error: "Expected an integer" };
  if (raw === "true" || raw === "1") return { value: true };
  if (raw === "false" || raw === "0") return { value: false };
  return { error: "Expected true or false" };
}

/**
 * The procedure input for a REST call: the JSON body's fields (renamed where the route says), the
 * query parameters and the path parameters (which win, so a body cannot point at another organization).
 */
export function restInput(
  route: RestRoute,
  params: Record<string, string>,
  search: URLSearchParams,
  body: unknown,
): RestInput {
  const input: Record<string, unknown> = {};
  if (route.body && body !== undefined) {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return { ok: false, message: "The request body must be a JSON object", fieldErrors: {} };
    }
    if (typeof route.body === "object" && "field" in route.body) {
      input[route.body.field] = body;
    } else {
      const rename = typeof route.body === "object" ? route.body.rename : {};
      for (const [key, value] of Object.entries(body)) input[rename[key] ?? key] = value;
    }
  }
  const fieldErrors: Record<string, string[]> = {};
  for (const [name, parameter] of Object.entries(route.query ?? {})) {
    const raw = search.get(name);
    if (raw === null || raw === "") continue;
    const parsed = queryValue(raw, parameter.type);
    if ("error" in parsed) fieldErrors[name] = [parsed.error];
    else input[parameter.field] = parsed.value;
  }
  if (Object.keys(fieldErrors).length > 0) return { ok: false, message: "Invalid input", fieldErrors };
  for (const [name, field] of Object.entries(route.params ?? {})) input[field] = params[name];
  // A list with no filters takes no input at all (its input is optional).
  const empty = Object.keys(input).length === 0 && !route.body;
  return { ok: true, input: empty ? undefined : input };
}

/** Field errors name the procedure's fields: give them the REST names the caller used. */
export function restFieldErrors(
  route: RestRoute,
  fieldErrors: Record<string, string[] | undefined>,
): Record<string, string[] | undefined> {
  const restName = new Map<string, string>();
  for (const [name, field] of Object.entries(route.params ?? {})) restName.set(field, name);
  for (const [name, parameter] of Object.entries(route.query ?? {})) restName.set(parameter.field, name);
  if (typeof route.body === "object" && "rename" in route.body)
    for (const [name, field] of Object.entries(route.body.rename)) restName.set(field, name);
  return Object.fromEntries(
    Object.entries(fieldErrors).map(([field, messages]) => [restName.get(field) ?? field, messages]),
  );
}

export type V1Target =
  | { kind: "procedure"; path: string }
  | { kind: "rest"; route: RestRoute; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: string[] }
  | { kind: "not_found" };

/**
 * What `METHOD pathname` addresses under /v1: a POST-style procedure (`POST /v1/organizations/<kebab-path>`),
 * a REST route, a known path with another method (405 + Allow), or nothing.
 */
export function resolveV1Target(
  method: string,
  pathname: string,
  procedurePath: string | null,
  routes: readonly RestRoute[],
): V1Target {
  // A procedure's path is the procedure's: its segments are reserved handles, so no `{org_id}` means it.
  if (procedurePath) {
    return method === "POST"
      ? { kind: "procedure", path: procedurePath }
      : { kind: "method_not_allowed", allow: ["POST"] };
  }
  const matches = matchRestRoutes(routes, pathname);
  const match = matches.find((m) => m.route.method === method);
  if (match) return { kind: "rest", ...match };
  const allow = new Set<RestMethod>(matches.map((m) => m.route.method));
  if (allow.size === 0) return { kind: "not_found" };
  return { kind: "method_not_allowed", allow: [...allow].sort() };
}
