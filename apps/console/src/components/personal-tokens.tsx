"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";

import { errorMessage, fieldErrors } from "@tenancy/widgets/errors";
import { ActionsColumnHead } from "@tenancy/widgets/internal/data-table";
import { RelativeTime } from "@tenancy/widgets/internal/timestamp";
import { useTRPC } from "@tenancy/widgets/provider";
import { Button } from "@tenancy/widgets/ui/button";
import { CopyButton } from "@tenancy/widgets/ui/copy-button";
import { ErrorMessage } from "@tenancy/widgets/ui/error-message";
import { Input } from "@tenancy/widgets/ui/input";
import { Label } from "@tenancy/widgets/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@tenancy/widgets/ui/table";

/** Personal access tokens: `Authorization: Bearer tnc_user_…` acts as you from scripts. Shown once. */
export function PersonalTokens() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.userTokens.list.queryOptions());
  const [name, setName] = useState("");
  const [bearer, setBearer] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.userTokens.list.queryKey() });
  const create = useMutation(
    trpc.userTokens.create.mutationOptions({
      onSuccess: async ({ userToken }) => {
        setBearer(userToken.bearer);
        setName("");
        await refresh();
      },
    }),
  );
  const revoke = useMutation(
    trpc.userTokens.revoke.mutationOptions({
      onSuccess: async () => {
        toast.success("Token revoked");
        await refresh();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBearer(null);
    create.mutate({ name });
  };
  const nameError = create.error ? fieldErrors(create.error).name : undefined;
  return (
    <div className="grid gap-4" data-testid="personal-tokens">
      <form onSubmit={submit} className="flex flex-wrap items-end gap-2">
        <div className="grid gap-1">
          <Label htmlFor="personal-token-name">Token name</Label>
          <Input
            id="personal-token-name"
            value={name}
            maxLength={100}
            onChange={(event) => setName(event.target.value)}
            aria-invalid={nameError ? true : undefined}
            placeholder="e.g. deploy script"
            className="w-64"
          />
        </div>
        <Button type="submit" disabled={create.isPending}>
          Create token
        </Button>
      </form>
      <ErrorMessage error={create.error} />
      {bearer ? (
        <div role="status" className="grid gap-2 rounded-md border border-border p-3 text-sm">
          <p>
            Copy it now: it is shown once. Send it as <code className="font-mono text-xs">Authorization: Bearer …</code>
            .
          </p>
          <div className="flex items-center gap-2">
            <code
              className="break-all font-mono text-xs"
              aria-label="Personal access token"
              data-testid="personal-token"
            >
              {bearer}
            </code>
            <CopyButton value={bearer} label="Copy token" />
          </div>
        </div>
      ) : null}
      <Table aria-label="Personal access tokens">
        <TableHeader>
          <TableRow>
            <TableHead>Name</TableHead>
            <TableHead>Key</TableHead>
            <TableHead>Last used</TableHead>
            <ActionsColumnHead />
          </TableRow>
        </TableHeader>
        <TableBody>
          {(tokens.data?.userTokens ?? []).map((token) => (
            <TableRow key={token.id}>
              <TableCell className="font-medium">{token.name}</TableCell>
              <TableCell>
                <code className="font-mono text-xs">
                  {token.key}:••••{token.lastFour}
                </code>
              </TableCell>
              <TableCell>{token.lastUsedAt ? <RelativeTime value={token.lastUsedAt} /> : "Never"}</TableCell>
              <TableCell className="text-right">
                {token.revokedAt ? (
                  <span className="text-xs text-muted-foreground">Revoked</span>
                ) : (
                  <Button
                    size="sm"
                    variant="ghost"
                    disabled={revoke.isPending}
                    onClick={() => revoke.mutate({ id: token.id })}
                  >
                    Revoke<span className="sr-only"> {token.name}</span>
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))}
          {tokens.isSuccess && tokens.data.userTokens.length === 0 ? (
            <TableRow>
              <TableCell colSpan={4} className="text-center text-sm text-muted-foreground">
                No personal access tokens.
              </TableCell>
            </TableRow>
          ) : null}
        </TableBody>
      </Table>
    </div>
  );
}
