"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { MAX_BATCH_CALLS } from "@tenancy/api/http-limits";
import type { AppRouter } from "@tenancy/api/router";
import { createContext, useContext, useState, type ReactNode } from "react";
import { Toaster } from "sonner";
import superjson from "superjson";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

const BasePathContext = createContext("");

/** Where the Tenancy server lives ("" = same origin). */
export function useTenancyBasePath(): string {
  return useContext(BasePathContext);
}

export function createTenancyQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // Retrying a 4xx never helps (not found, forbidden, invalid input): only retry server hiccups.
        retry: (failureCount, error) => {
          const status = (error as { data?: { httpStatus?: number } }).data?.httpStatus ?? 500;
          return status >= 500 && failureCount < 2;
        },
      },
      dehydrate: { serializeData: superjson.serialize },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}

export interface TenancyProviderProps {
  /** Origin + path prefix of a server exposing the router at `/api/trpc`; "" for same origin. */
  basePath?: string;
  /** Share a QueryClient with the host app (e.g. for server-side prefetch + hydration). */
  queryClient?: QueryClient;
  children: ReactNode;
}

export function TenancyProvider({ basePath = "", queryClient, children }: TenancyProviderProps) {
  const [client] = useState(() => queryClient ?? createTenancyQueryClient());
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${basePath.replace(/\/+$/, "")}/api/trpc`,
          transformer: superjson,
          // The server refuses larger batches (413).
          maxItems: MAX_BATCH_CALLS,
          fetch: (url, init) => fetch(url, { ...init, credentials: "include" }),
        }),
      ],
    }),
  );
  return (
    <BasePathContext.Provider value={basePath}>
      <QueryClientProvider client={client}>
        <TRPCProvider trpcClient={trpcClient} queryClient={client}>
          {children}
          {/* Bottom left: the row buttons of the tables sit on the right, where toasts would cover them. */}
          <Toaster position="bottom-left" theme="system" richColors closeButton />
        </TRPCProvider>
      </QueryClientProvider>
    </BasePathContext.Provider>
  );
}
