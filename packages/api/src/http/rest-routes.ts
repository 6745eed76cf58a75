/**
 * The REST Organizations API of the seed (`GET /v1/organizations`, `PUT /v1/organizations/{org_id}`, ...),
 * served next to the POST-style procedures by the same procedures: same services, permissions and
 * error body. Adding a REST route is one entry here; the handler, the OpenAPI document and the
 * reserved handles follow from it.
 */
export type RestMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RestQueryParameter {
  /** The procedure input field it fills. */
  field: string;
  type: "boolean" | "integer" | "string";
}

export interface RestRoute {
  method: RestMethod;
  /** Path template; `{name}` is one path segment. */
  path: `/v1/${string}`;
  /** Dotted procedure path in the app router, e.g. `organizations.members.add`. */
  procedure: string;
  /** The seed's endpoint title, and an operationId derived from it. */
  summary: string;
  operationId: string;
  /** Path parameter → procedure input field. */
  params?: Record<string, string>;
  query?: Record<string, RestQueryParameter>;
  /**
   * Whether the JSON body carries the rest of the input; `rename` maps body field → input field;
   * `field` puts the whole body in one input field (Losant's `invite`).
   */
  body?: boolean | { rename: Record<string, string> } | { field: string };
  /** Success status; 200 when absent. */
  status?: 200 | 201;
  /** The OpenAPI tag; "REST" when absent. */
  tag?: string;
}

const org = { org_id: "organizationId" };
const instanceOrg = { instanceId: "instanceId", orgId: "orgId" };

export const REST_ROUTES: readonly RestRoute[] = [
  {
    method: "GET",
    path: "/v1/organizations",
    procedure: "organizations.list",
    summary: "List Orgs",
    operationId: "listOrgs",
    query: { active_only: { field: "activeOnly", type: "boolean" } },
  },
  {
    method: "POST",
    path: "/v1/organizations",
    procedure: "organizations.create",
    summary: "Create Org",
    operationId: "createOrg",
    body: true,
    status: 201,
  },
  {
    method: "GET",
    path: "/v1/organizations/{org_id}",
    procedure: "organizations.get",
    summary: "Get Org",
    operationId: "getOrg",
    params: org,
  },
  {
    method: "PUT",
    path: "/v1/organizations/{org_id}",
    procedure: "organizations.update",
    summary: "Update Org",
    operationId: "updateOrg",
    params: org,
    body: true,
  },
  {
    method: "DELETE",
    path: "/v1/organizations/{org_id}",
    procedure: "organizations.delete",
    summary: "Delete Org",
    operationId: "deleteOrg",
    params: org,
  },
  {
    method: "GET",
    path: "/v1/organizations/{org_id}/members",
    procedure: "organizations.members.list",
    summary: "Get Members",
    operationId: "getMembers",
    params: org,
    query: {
      cursor: { field: "cursor", type: "string" },
      limit: { field: "limit", type: "integer" },
      search: { field: "search", type: "string" },
    },
  },
  {
    method: "POST",
    path: "/v1/organizations/{org_id}/members",
    procedure: "organizations.members.add",
    summary: "Add Org Member",
    operationId: "addOrgMember",
    params: org,
    body: true,
    status: 201,
  },
  {
    method: "DELETE",
    path: "/v1/organizations/{org_id}/members/{user_id}",
    procedure: "organizations.members.remove",
    summary: "Remove Org Member",
    operationId: "removeOrgMember",
    params: { ...org, user_id: "userId" },
  },
  {
    method: "GET",
    path: "/v1/organizations/{org_id}/license",
    procedure: "organizations.license.get",
    summary: "Get License",
    operationId: "getLicense",
    params: org,
  },
  {
    method: "PUT",
    path: "/v1/organizations/{org_id}/license",
    procedure: "organizations.license.assign",
    summary: "Assign License",
    operationId: "assignLicense",
    params: org,
    body: { rename: { license_id: "licenseId", license_key: "licenseKey" } },
  },
  {
    method: "DELETE",
    path: "/v1/organizations/{org_id}/license",
    procedure: "organizations.license.unassign",
    summary: "Unassign License",
    operationId: "unassignLicense",
    params: org,
  },
  {
    method: "GET",
    path: "/v1/organizations/{org_id}/deployments",
    procedure: "organizations.deployments.list",
    summary: "Get Org Deployments",
    operationId: "getOrgDeployments",
    params: org,
  },
  {
    // Losant's Instance Org Invites (seeds/losant-instance-org-invites.md): parameter names as the seed's.
    method: "GET",
    path: "/v1/instances/{instanceId}/orgs/{orgId}/invites",
    procedure: "instanceOrgInvites.get",
    summary: "Get Instance Org Invites",
    operationId: "instanceOrgInvitesGet",
    params: instanceOrg,
    query: {
      sortField: { field: "sortField", type: "string" },
      sortDirection: { field: "sortDirection", type: "string" },
      filterField: { field: "filterField", type: "string" },
      filter: { field: "filter", type: "string" },
    },
    tag: "Instances REST",
  },
  {
    method: "POST",
    path: "/v1/instances/{instanceId}/orgs/{orgId}/invites",
    procedure: "instanceOrgInvites.post",
    summary: "Post Instance Org Invite",
    operationId: "instanceOrgInvitesPost",
    params: instanceOrg,
    body: { field: "invite" },
    status: 201,
    tag: "Instances REST",
  },
  {
    // A stable URL deployments can fetch the key they verify license keys with from.
    method: "GET",
    path: "/v1/license/public-key",
    procedure: "licenses.publicKey",
    summary: "Get License Public Key",
    operationId: "getLicensePublicKey",
  },
];
