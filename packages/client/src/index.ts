import { createTRPCClient, httpBatchLink, type TRPCClient, type TRPCLink } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { observable } from "@trpc/server/observable";
import superjson from "superjson";

import { TenancyError } from "./errors.js";
import type { AppRouter } from "./generated/router.js";

export { TenancyError, isTenancyError } from "./errors.js";
export type { AppRouter, TenancyErrorCode, TenancyErrorShape } from "./generated/router.js";

/** Every procedure's input, e.g. `RouterInputs["organizations"]["members"]["add"]`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Every procedure's output, e.g. `RouterOutputs["organizations"]["get"]["organization"]`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

type Outputs = RouterOutputs["organizations"];
type Inputs = RouterInputs["organizations"];
export type Organization = Outputs["get"]["organization"];
export type Member = Outputs["members"]["list"]["members"][number];
export type Invitation = Outputs["invitations"]["list"]["invitations"][number];
export type AuditEvent = Outputs["audit"]["list"]["events"][number];
export type OrganizationLicense = Outputs["license"]["get"];
export type Deployment = Outputs["deployments"]["list"]["deployments"][number];
export type Plan = RouterOutputs["plans"]["list"]["plans"][number];
export type License = RouterOutputs["licenses"]["get"]["license"];

export interface TenancyClientOptions {
  /** Where Tenancy runs, e.g. `https://tenancy.example.com` (the tRPC endpoint is `<url>/api/trpc`). */
  url: string;
  /** An organization API token, `<key>:<secret>` (the `bearer` that `tokens.create` returns). */
  token?: string;
  /** Extra headers for every call, e.g. a session `cookie` on a server that acts for a signed-in user. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** A fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
}

type PageOptions = { pageSize?: number };
type Without<T, K extends string> = T extends unknown ? Omit<T, K> : never;

/** Async iterators over the paginated lists: they fetch page after page as you iterate. */
export interface TenancyIterators {
  members: {
    iterate(input: Without<Inputs["members"]["list"], "cursor" | "limit"> & PageOptions): AsyncIterable<Member>;
  };
  invitations: {
    iterate(input: Without<Inputs["invitations"]["list"], "cursor" | "limit"> & PageOptions): AsyncIterable<Invitation>;
  };
  audit: {
    iterate(input: Without<Inputs["audit"]["list"], "cursor" | "limit"> & PageOptions): AsyncIterable<AuditEvent>;
  };
}

export type TenancyClient = TRPCClient<AppRouter> & TenancyIterators;

/** Rejects every failed call with a TenancyError (code, status, fieldErrors). */
const tenancyErrors: TRPCLink<AppRouter> =
  () =>
  ({ next, op }) =>
    observable((observer) =>
      next(op).subscribe({
        next: (value) => observer.next(value),
        error: (error) => observer.error(TenancyError.fromUnknown(error)),
        complete: () => observer.complete(),
      }),
    );

async function* pages<Item>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: Item[]; nextCursor: string | null }>,
): AsyncGenerator<Item> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/**
 * The typed Tenancy client: `client.organizations.get.query({ organizationId: "acme" })`, plus
 * `client.members.iterate(...)`, `client.invitations.iterate(...)` and `client.audit.iterate(...)`.
 */
export function createTenancyClient(options: TenancyClientOptions): TenancyClient {
  const url = `${options.url.replace(/\/+$/, "")}/api/trpc`;
  const trpc = createTRPCClient<AppRouter>({
    links: [
      tenancyErrors,
      httpBatchLink({
        url,
        transformer: superjson,
        // The server refuses a batch of more than 50 calls (413; MAX_BATCH_CALLS in @tenancy/api).
        maxItems: 50,
        fetch: options.fetch,
        async headers() {
          const extra = typeof options.headers === "function" ? await options.headers() : (options.headers ?? {});
          return options.token ? { ...extra, authorization: `Bearer ${options.token}` } : extra;
        },
      }),
    ],
  });

  const iterators: TenancyIterators = {
    members: {
      iterate: ({ pageSize, ...input }) =>
        pages(async (cursor) => {
          const page = await trpc.organizations.members.list.query({ ...input, cursor, limit: pageSize });
          return { items: page.members, nextCursor: page.nextCursor };
        }),
    },
    invitations: {
      iterate: ({ pageSize, ...input }) =>
        pages(async (cursor) => {
          const page = await trpc.organizations.invitations.list.query({ ...input, cursor, limit: pageSize });
          return { items: page.invitations, nextCursor: page.nextCursor };
        }),
    },
    audit: {
      iterate: ({ pageSize, ...input }) =>
        pages(async (cursor) => {
          const page = await trpc.organizations.audit.list.query({ ...input, cursor, limit: pageSize });
          return { items: page.events, nextCursor: page.nextCursor };
        }),
    },
  };

  // The tRPC client is a proxy answering any property: serve the iterators first.
  return new Proxy(trpc, {
    get(target, key, receiver) {
      if (typeof key === "string" && key in iterators) return iterators[key as keyof TenancyIterators];
      return Reflect.get(target, key, receiver);
    },
  }) as TenancyClient;
}
