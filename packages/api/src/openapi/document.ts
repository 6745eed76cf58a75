import { z } from "zod";

import { appRouter } from "../root";
import { procedureHttpPath } from "../http/api-paths";
import { REST_ROUTES, type RestRoute } from "../http/rest-routes";
import type { ApiMeta } from "../trpc";
import { acceptedScopes, scopedOperationOf } from "../domain/scopes";
import { STATUS_OF_REASON, TRANSPORT_STATUS_OF_REASON } from "./error-statuses";

/**
 * The OpenAPI 3.1 document of the JSON HTTP API, generated from the app router (every procedure's
 * input and output zod schemas and its meta) and the REST route table. Nothing here lists
 * procedures: a new procedure or route appears in the document by existing.
 *
 * The JSON wire carries dates as ISO 8601 strings (tRPC's superjson transport keeps them as Dates),
 * so the schemas say `string, format: date-time` for them.
 */
type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

interface ProcedureDef {
  type: "query" | "mutation" | "subscription";
  inputs: z.ZodType[];
  output?: z.ZodType;
  meta?: ApiMeta;
}

export interface ProcedureInfo {
  path: string;
  def: ProcedureDef;
}

export function routerProcedures(): ProcedureInfo[] {
  // At run time `_def.procedures` is flat, keyed by dotted path (its type is the nested record).
  return Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>).map(
    ([path, procedure]) => ({ path, def: procedure._def }),
  );
}

const dateAsString: NonNullable<Parameters<typeof z.toJSONSchema>[1]>["override"] = (ctx) => {
  if (ctx.zodSchema._zod.def.type === "date") {
    ctx.jsonSchema.type = "string";
    ctx.jsonSchema.format = "date-time";
  }
};

function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
    override: dateAsString,
  }) as JsonSchema;
  return json;
}

/** A procedure's inputs (the org builder's `{organizationId}` plus its own) as one schema; optional when it may be absent. */
function mergedInput(inputs: z.ZodType[]): { schema: z.ZodType; optional: boolean } | null {
  if (inputs.length === 0) return null;
  const unwrapped = inputs.map((input) => (input instanceof z.ZodOptional ? (input.unwrap() as z.ZodType) : input));
  const optional = inputs.every((input) => input.safeParse(undefined).success);
  if (unwrapped.length === 1) return { schema: unwrapped[0]!, optional };
  if (unwrapped.every((input) => input instanceof z.ZodObject)) {
    const shape = Object.assign({}, ...unwrapped.map((input) => (input as z.ZodObject).shape)) as z.ZodRawShape;
    return { schema: z.object(shape), optional };
  }
  return { schema: z.intersection(unwrapped[0]!, unwrapped[1]!), optional };
}

/**
 * Who may call, as OpenAPI security requirements. The token schemes list the scopes that accept the
 * operation (OpenAPI 3.1 allows role names for non-OAuth schemes): any one of them will do.
 */
function securityOf(meta: ApiMeta, path: string): Record<string, string[]>[] {
  const operation = scopedOperationOf(path);
  const scopes = operation ? acceptedScopes(operation) : [];
  const user: Record<string, string[]>[] = [{ sessionCookie: [] }, { userToken: [] }];
  switch (meta.access ?? "authed") {
    case "public":
      return [];
    case "session":
      return [{ sessionCookie: [] }];
    case "user":
    case "operator":
      return user;
    case "instance":
      return [...user, ...(operation ? [{ instanceToken: scopes }] : [])];
    default:
      return [...user, { orgToken: scopes }];
  }
}

/** Can an API token (of some kind, with the right scope) reach the operation? */
function takesScopedTokens(meta: ApiMeta): boolean {
  return meta.access === "authed" || meta.access === "org" || meta.access === "instance";
}

/** Every error code the operation can answer with, by status. */
function errorCodesOf(meta: ApiMeta, takesInput: boolean, takesBody: boolean): Map<number, Set<string>> {
  const codes = new Map<number, Set<string>>();
  const add = (status: number, code: string) => {
    if (!codes.has(status)) codes.set(status, new Set());
    codes.get(status)!.add(code);
  };
  if (takesBody) {
    add(TRANSPORT_STATUS_OF_REASON.invalid_json, "invalid_json");
    add(TRANSPORT_STATUS_OF_REASON.unsupported_media_type, "unsupported_media_type");
    add(TRANSPORT_STATUS_OF_REASON.payload_too_large, "payload_too_large");
  }
  // With the session cookie, from a page of another origin (see README, Security).
  if (meta.access !== "public") add(TRANSPORT_STATUS_OF_REASON.cross_site_request, "cross_site_request");
  if (takesInput) add(STATUS_OF_REASON.invalid_input, "invalid_input");
  const reasons = [...(meta.errors ?? [])];
  if (meta.access !== "public") reasons.push("unauthenticated", "invalid_api_token");
  if (meta.access === "user" || meta.access === "operator" || meta.access === "session") reasons.push("user_required");
  if (meta.access === "session") reasons.push("session_required");
  if (meta.access === "operator") reasons.push("operator_required");
  if (takesScopedTokens(meta)) reasons.push("insufficient_scope");
  if (meta.access === "instance") reasons.push("instance_not_found", "permission_denied");
  if (meta.perIpLimit) reasons.push("rate_limited");
  if (meta.access === "org") reasons.push("organization_not_found", "permission_denied", "organization_inactive");
  reasons.push("internal_error");
  for (const reason of reasons) add(STATUS_OF_REASON[reason], reason);
  return new Map([...codes].sort(([a], [b]) => a - b));
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad request",
  401: "Not authenticated",
  402: "Payment required: the plan's limit is reached",
  403: "Forbidden",
  404: "Not found (organizations you are not a member of, and instances you do not administer, are not found either)",
  405: "Method not allowed",
  409: "Conflict",
  413: "Request body too large",
  415: "Request body is not JSON",
  429: "Too many attempts",
  500: "Server error",
};

function errorResponses(codes: Map<number, Set<string>>): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, set] of codes) {
    const list = [...set];
    responses[String(status)] = {
      description: `${STATUS_TEXT[status] ?? "Error"}: ${list.map((c) => `\`${c}\``).join(", ")}`,
      ...(status === 429
        ? { headers: { "Retry-After": { description: "Seconds to wait", schema: { type: "integer" } } } }
        : {}),
      content: {
        "application/json": {
          schema: {
            type: "object",
            required: ["error"],
            additionalProperties: false,
            properties: {
              error: {
                type: "object",
                required: ["code", "message"],
                properties: {
                  code: { type: "string", enum: list },
                  message: { type: "string" },
                  fieldErrors: {
                    type: "object",
                    description: "With `invalid_input`: messages by input field.",
                    additionalProperties: { type: "array", items: { type: "string" } },
                  },
                  formErrors: { type: "array", items: { type: "string" } },
                  details: { type: "object", description: "Specifics, e.g. `retryAfterSeconds`." },
                },
              },
            },
          },
        },
      },
    };
  }
  return responses;
}

function accessNote(meta: ApiMeta, path: string): string {
  const operation = scopedOperationOf(path);
  const scopes = operation
    ? ` A scoped token needs one of: ${acceptedScopes(operation)
        .map((s) => `\`${s}\``)
        .join(", ")}.`
    : "";
  switch (meta.access) {
    case "public":
      return meta.perIpLimit
        ? "No session needed; rate-limited per client IP (429 `rate_limited` with `Retry-After`)."
        : "No authentication needed.";
    case "user":
      return "Needs a signed-in user (session cookie or personal access token); API tokens are refused with `user_required`.";
    case "session":
      return "Needs a user signed in with the session cookie; personal access tokens are refused with `session_required`, API tokens with `user_required`.";
    case "operator":
      return "Needs a platform operator: an owner or admin of the default instance (or a verified email in the server's `TENANCY_OPERATOR_EMAILS`).";
    case "instance":
      return `Needs \`${meta.instancePermission}\` in the instance (an instance member's role, or an instance API token of that instance); anyone else gets 404 \`instance_not_found\`.${scopes}`;
    case "org":
      return `Needs \`${meta.permission}\` in the organization (a user's role, or an organization API token)${
        meta.operators ? ", or a platform operator" : ""
      }${meta.requireActive ? "; refused while the organization is inactive" : ""}.${scopes}`;
    default:
      return `A signed-in user or an organization API token.${scopes}`;
  }
}

function tagOf(path: string): string {
  // organizations.members.add → Members, organizations.get → Organizations, licenses.create → Licenses.
  const parts = path.split(".");
  const name = parts[0] !== "organizations" ? parts[0]! : parts.length > 2 ? parts[1]! : "organizations";
  return name
    .replace(/^./, (c) => c.toUpperCase())
    .replace(/([A-Z])/g, " $1")
    .trim();
}

function describe(meta: ApiMeta, path: string, extra: string, lead?: string): string {
  return [lead, meta.description, accessNote(meta, path), extra].filter(Boolean).join("\n\n");
}

function procedureOperation({ path, def }: ProcedureInfo): Operation {
  const meta = def.meta ?? {};
  if (!def.output) throw new Error(`Procedure ${path} declares no output schema`);
  const input = mergedInput(def.inputs);
  return {
    operationId: path,
    summary: meta.summary ?? path,
    description: describe(meta, path, `tRPC: \`${path}\` (${def.type}).`),
    tags: [tagOf(path)],
    security: securityOf(meta, path),
    ...(input
      ? {
          requestBody: {
            required: !input.optional,
            content: { "application/json": { schema: jsonSchemaOf(input.schema, "input") } },
          },
        }
      : {}),
    responses: {
      "200": {
        description: "OK",
        content: { "application/json": { schema: jsonSchemaOf(def.output, "output") } },
      },
      ...errorResponses(errorCodesOf(meta, input !== null, true)),
    },
  };
}

const PARAMETER_DESCRIPTIONS: Record<string, string> = {
  organizationId: "The organization's id or its handle.",
  orgId: "The organization's id or its handle (an organization of the instance).",
  instanceId: "The instance's id.",
};

function restOperation(route: RestRoute, procedure: ProcedureInfo): Operation {
  const { def } = procedure;
  const meta = def.meta ?? {};
  if (!def.output) throw new Error(`Procedure ${procedure.path} declares no output schema`);
  const input = mergedInput(def.inputs);
  const inputJson = input ? jsonSchemaOf(input.schema, "input") : null;
  const properties = (inputJson?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((inputJson?.required ?? []) as string[]);
  const fieldSchema = (field: string): JsonSchema => {
    const schema = properties[field];
    if (!schema)
      throw new Error(`REST route ${route.method} ${route.path}: ${procedure.path} has no input field ${field}`);
    return schema;
  };

  const parameters = [
    ...Object.entries(route.params ?? {}).map(([name, field]) => ({
      name,
      in: "path",
      required: true,
      description: PARAMETER_DESCRIPTIONS[field],
      schema: fieldSchema(field),
    })),
    ...Object.entries(route.query ?? {}).map(([name, { field, type }]) => {
      const { description } = fieldSchema(field);
      return { name, in: "query", required: false, description, schema: { type } };
    }),
  ];

  let requestBody: Record<string, unknown> | undefined;
  if (typeof route.body === "object" && "field" in route.body) {
    // The whole body is one input field (Losant's `invite`).
    requestBody = {
      required: required.has(route.body.field),
      content: { "application/json": { schema: fieldSchema(route.body.field) } },
    };
  } else if (route.body) {
    if (!inputJson || inputJson.type !== "object") {
      throw new Error(`REST route ${route.method} ${route.path}: ${procedure.path} has no object input for a body`);
    }
    const taken = new Set([
      ...Object.values(route.params ?? {}),
      ...Object.values(route.query ?? {}).map((q) => q.field),
    ]);
    const fieldOfBody = typeof route.body === "object" && "rename" in route.body ? route.body.rename : {};
    const bodyName = new Map(Object.entries(fieldOfBody).map(([name, field]) => [field, name]));
    const bodyProperties: Record<string, JsonSchema> = {};
    const bodyRequired: string[] = [];
    for (const [field, schema] of Object.entries(properties)) {
      if (taken.has(field)) continue;
      const name = bodyName.get(field) ?? field;
      bodyProperties[name] = schema;
      if (required.has(field)) bodyRequired.push(name);
    }
    requestBody = {
      required: bodyRequired.length > 0,
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: bodyProperties,
            ...(bodyRequired.length ? { required: bodyRequired } : {}),
          },
        },
      },
    };
  }

  const status = String(route.status ?? 200);
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: describe(
      meta,
      procedure.path,
      `The same as \`POST ${procedureHttpPath(procedure.path)}\` (tRPC \`${procedure.path}\`).`,
      meta.summary && `${meta.summary}.`,
    ),
    tags: [route.tag ?? "REST"],
    security: securityOf(meta, procedure.path),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      [status]: {
        description: status === "201" ? "Created" : "OK",
        content: { "application/json": { schema: jsonSchemaOf(def.output, "output") } },
      },
      ...errorResponses(errorCodesOf(meta, input !== null || parameters.length > 0, Boolean(route.body))),
    },
  };
}

const DESCRIPTION = `The Tenancy HTTP API: organizations, members, roles, invitations, join codes, API tokens, the audit log,
and licensing (plans, signed license keys, seat limits, deployments).

Every procedure is served as \`POST /v1/<path>\` with a JSON body (the procedure's input), e.g.
\`POST /v1/organizations/members/add\` or \`POST /v1/deployments/activate\`, and the REST
Organizations API (tag **REST**) serves the same procedures with their own methods, paths and parameter names.
Wherever an input takes an organization (\`organizationId\`, \`{org_id}\`), its id or its handle works.

**Authentication**: a Better Auth session cookie (sign in at \`POST /api/auth/sign-in/email\`), a personal access
token (\`Authorization: Bearer tnc_user_…:<secret>\`, acts as its user), an organization API token
(\`Bearer tnc_live_…:<secret>\`, mint one with \`tokens.create\`; acts on its own organization with an admin's powers
minus minting tokens and deleting the organization) or an instance API token (\`Bearer tnc_inst_…:<secret>\`; acts on
its own instance). Tokens minted with scopes reach only what their scopes accept (each operation lists them).

**Errors** carry the right status and \`{"error": {"code", "message"}}\`, plus \`fieldErrors\` for \`invalid_input\`;
each operation lists its codes. A path served with another method answers 405 \`method_not_allowed\` with \`Allow\`.

**Dates** are ISO 8601 strings. **null** in a request means what each field says (e.g. "leave as is" or "clear").`;

/** Built once per process: the router and the route table do not change while it runs. */
let cached: Record<string, unknown> | null = null;

export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const procedures = routerProcedures();
  const byPath = new Map(procedures.map((p) => [p.path, p]));
  const paths: Record<string, Record<string, Operation>> = {};
  const addOperation = (path: string, method: string, operation: Operation) => {
    paths[path] ??= {};
    if (paths[path][method]) throw new Error(`Two operations for ${method.toUpperCase()} ${path}`);
    paths[path][method] = operation;
  };
  for (const route of REST_ROUTES) {
    const procedure = byPath.get(route.procedure);
    if (!procedure)
      throw new Error(`REST route ${route.method} ${route.path} names unknown procedure ${route.procedure}`);
    addOperation(route.path, route.method.toLowerCase(), restOperation(route, procedure));
  }
  for (const procedure of procedures)
    addOperation(procedureHttpPath(procedure.path), "post", procedureOperation(procedure));

  cached = {
    openapi: "3.1.0",
    info: {
      title: "Tenancy API",
      version: "1.0.0",
      description: DESCRIPTION,
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "/", description: "This server" }],
    tags: [
      { name: "REST", description: "The REST Organizations API." },
      { name: "Instances REST", description: "Losant-style instance resources (instance org invites)." },
      ...[...new Set(procedures.map((p) => tagOf(p.path)))].map((name) => ({ name })),
    ],
    paths,
    components: {
      securitySchemes: {
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "better-auth.session_token",
          description:
            "The session cookie set by `POST /api/auth/sign-in/email` (named `__Secure-better-auth.session_token` over HTTPS).",
        },
        orgToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "tnc_live_…:<secret>",
          description:
            "An organization API token (`organizations.tokens.create`): `Authorization: Bearer <key>:<secret>`, keys `tnc_live_…` / `tnc_test_…`. Minted with scopes it reaches only what they accept (403 `insufficient_scope` names the scopes that would do); without scopes, every power of an org token.",
        },
        instanceToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "tnc_inst_…:<secret>",
          description:
            "An instance API token (`instanceTokens.create`): `Authorization: Bearer tnc_inst_…:<secret>`. Acts on its own instance only, within its scopes (`all.Instance`, `instanceOrgInvites.*`, ...).",
        },
        userToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "tnc_user_…:<secret>",
          description:
            "A personal access token (`userTokens.create`): `Authorization: Bearer tnc_user_…:<secret>` acts as its user, like the session cookie (without the cross-site check), except minting more personal access tokens.",
        },
      },
    },
  };
  return cached;
}
