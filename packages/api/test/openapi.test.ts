import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";

import { isReservedHandle } from "../src/domain/handles";
import { procedureHttpPath } from "../src/http/api-paths";
import { resolveV1Target, restInput } from "../src/http/rest-adapter";
import { REST_ROUTES } from "../src/http/rest-routes";
import { openApiDocument, routerProcedures } from "../src/openapi/document";
import { appRouter } from "../src/root";

type Operation = {
  operationId: string;
  responses: Record<string, { content?: { "application/json": { schema: { properties?: Record<string, unknown> } } } }>;
};
const document = openApiDocument() as { openapi: string; paths: Record<string, Record<string, Operation>> };
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
);

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("has a POST operation for every procedure in the router, with its output schema", () => {
    const procedures = Object.keys(appRouter._def.procedures);
    expect(procedures.length).toBeGreaterThanOrEqual(30);
    for (const path of procedures) {
      const operation = document.paths[procedureHttpPath(path)]?.post;
      expect(operation, `procedure ${path} is missing from the document`).toBeDefined();
      expect(operation!.operationId).toBe(path);
      expect(operation!.responses["200"]?.content?.["application/json"].schema, path).toBeTruthy();
    }
    for (const { def, path } of routerProcedures()) expect(def.output, `${path} declares .output()`).toBeDefined();
  });

  it("has every REST route, with its success status", () => {
    for (const route of REST_ROUTES) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation?.operationId, `${route.method} ${route.path}`).toBe(route.operationId);
      expect(Object.keys(operation!.responses)).toContain(String(route.status ?? 200));
    }
    expect(operations).toHaveLength(Object.keys(appRouter._def.procedures).length + REST_ROUTES.length);
  });

  it("says dates are date-time strings, as the JSON wire carries them", () => {
    const get = document.paths["/v1/organizations/{org_id}"]!.get!;
    const organization = (get.responses["200"]!.content!["application/json"].schema.properties!.organization ?? {}) as {
      properties: Record<string, unknown>;
    };
    expect(organization.properties.createdAt).toEqual({ type: "string", format: "date-time" });
  });

  it("lists the error codes of each operation, by status", () => {
    const setRole = document.paths["/v1/organizations/members/set-role"]!.post!;
    const codesAt = (status: string) =>
      (
        setRole.responses[status]!.content!["application/json"].schema as {
          properties: { error: { properties: { code: { enum: string[] } } } };
        }
      ).properties.error.properties.code.enum;
    expect(codesAt("409")).toEqual(["last_owner"]);
    expect(codesAt("404")).toEqual(expect.arrayContaining(["member_not_found", "organization_not_found"]));
    expect(codesAt("403")).toEqual(expect.arrayContaining(["owner_required", "permission_denied"]));
    expect(codesAt("401")).toEqual(["unauthenticated", "invalid_api_token"]);
  });
});

describe("REST routing", () => {
  const get = REST_ROUTES.find((r) => r.operationId === "getOrg")!;

  it("resolves methods and paths, answering 405 with the path's methods", () => {
    expect(resolveV1Target("GET", "/v1/organizations/acme", null, REST_ROUTES)).toMatchObject({
      kind: "rest",
      route: { operationId: "getOrg" },
      params: { org_id: "acme" },
    });
    expect(resolveV1Target("PATCH", "/v1/organizations/acme", null, REST_ROUTES)).toEqual({
      kind: "method_not_allowed",
      allow: ["DELETE", "GET", "PUT"],
    });
    expect(resolveV1Target("GET", "/v1/organizations/acme/members/u1", null, REST_ROUTES)).toEqual({
      kind: "method_not_allowed",
      allow: ["DELETE"],
    });
    // A POST-style procedure path keeps working and is the procedure's alone (its segment is a reserved handle).
    expect(resolveV1Target("POST", "/v1/organizations/list", "organizations.list", REST_ROUTES)).toEqual({
      kind: "procedure",
      path: "organizations.list",
    });
    expect(resolveV1Target("GET", "/v1/organizations/list", "organizations.list", REST_ROUTES)).toEqual({
      kind: "method_not_allowed",
      allow: ["POST"],
    });
    // POST where no procedure is: the path is an organization's, which answers DELETE, GET and PUT.
    expect(resolveV1Target("POST", "/v1/organizations/acme", null, REST_ROUTES)).toEqual({
      kind: "method_not_allowed",
      allow: ["DELETE", "GET", "PUT"],
    });
    expect(resolveV1Target("GET", "/v1/nothing/here", null, REST_ROUTES)).toEqual({ kind: "not_found" });
  });

  it("builds the procedure input from path, query and body; the path wins over the body", () => {
    const update = REST_ROUTES.find((r) => r.operationId === "updateOrg")!;
    expect(
      restInput(update, { org_id: "acme" }, new URLSearchParams(), { name: null, organizationId: "other" }),
    ).toEqual({
      ok: true,
      input: { name: null, organizationId: "acme" },
    });
    const list = REST_ROUTES.find((r) => r.operationId === "listOrgs")!;
    expect(restInput(list, {}, new URLSearchParams("active_only=true"), undefined)).toEqual({
      ok: true,
      input: { activeOnly: true },
    });
    expect(restInput(list, {}, new URLSearchParams(), undefined)).toEqual({ ok: true, input: undefined });
    expect(restInput(list, {}, new URLSearchParams("active_only=maybe"), undefined)).toMatchObject({
      ok: false,
      fieldErrors: { active_only: ["Expected true or false"] },
    });
    expect(restInput(get, { org_id: "acme" }, new URLSearchParams(), undefined)).toEqual({
      ok: true,
      input: { organizationId: "acme" },
    });
  });

  it("reserves every fixed path segment of the procedures and the REST routes as a handle", () => {
    for (const segment of ["create", "get", "list", "members", "update", "delete", "roles", "invitations"])
      expect(isReservedHandle(segment), segment).toBe(true);
    for (const segment of ["join-codes", "tokens", "audit", "memberships", "handle-availability", "set-role"])
      expect(isReservedHandle(segment), segment).toBe(true);
    expect(isReservedHandle("acme")).toBe(false);
  });
});
