import type { RestRoute } from "./rest-routes";

const camelToKebab = (segment: string) => segment.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);

/** `organizations.members.setRole` → `/v1/organizations/members/set-role` (the POST-style path). */
export function procedureHttpPath(procedurePath: string): `/v1/${string}` {
  return `/v1/${procedurePath.split(".").map(camelToKebab).join("/")}`;
}

/**
 * Every fixed segment of the HTTP API's paths: the POST-style procedure paths and the REST routes'
 * literal segments. Organization handles may not take these (see reserveApiPathSegments).
 */
export function fixedPathSegments(procedurePaths: Iterable<string>, routes: readonly RestRoute[]): Set<string> {
  const segments = new Set<string>();
  const add = (path: string) => {
    for (const segment of path.split("/")) if (segment && !segment.startsWith("{")) segments.add(segment);
  };
  for (const path of procedurePaths) add(procedureHttpPath(path));
  for (const route of routes) add(route.path);
  return segments;
}
