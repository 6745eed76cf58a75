"use client";

import { Laptop } from "lucide-react";
import { useCallback, useEffect, useState } from "react";

import { RelativeTime } from "@tenancy/widgets/internal/timestamp";
import { Badge } from "@tenancy/widgets/ui/badge";
import { Button } from "@tenancy/widgets/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@tenancy/widgets/ui/card";
import { toast } from "@tenancy/widgets/ui/toast";

import { FormError } from "@/components/form-error";
import { authClient, authErrorMessage } from "@/lib/auth-client";

interface SessionRow {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  userAgent?: string | null;
  ipAddress?: string | null;
}

/** "Chrome on Linux" from a user agent, roughly: enough to recognise one's own devices. */
function describeAgent(agent: string | null | undefined): string {
  if (!agent) return "Unknown device";
  const browser = /Edg\//.test(agent)
    ? "Edge"
    : /Firefox\//.test(agent)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(agent)
        ? "Chrome"
        : /Safari\//.test(agent)
          ? "Safari"
          : /curl\//.test(agent)
            ? "curl"
            : "A browser";
  const system = /Android/.test(agent)
    ? "Android"
    : /iPhone|iPad/.test(agent)
      ? "iOS"
      : /Mac OS X/.test(agent)
        ? "macOS"
        : /Windows/.test(agent)
          ? "Windows"
          : /Linux/.test(agent)
            ? "Linux"
            : null;
  return system ? `${browser} on ${system}` : browser;
}

/** Where you are signed in, and a way to sign out everywhere but here. */
export function SessionsCard({ refreshKey }: { refreshKey: number }) {
  const [sessions, setSessions] = useState<SessionRow[] | null>(null);
  const [currentSessionId, setCurrentSessionId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const load = useCallback(async () => {
    const [list, current] = await Promise.all([authClient.listSessions(), authClient.getSession()]);
    const failure = list.error ?? current.error;
    if (failure) {
      setError(authErrorMessage(failure));
      return;
    }
    setCurrentSessionId(current.data?.session.id ?? null);
    setSessions((list.data ?? []) as SessionRow[]);
  }, []);

  useEffect(() => {
    void load();
  }, [load, refreshKey]);

  const others = (sessions ?? []).filter((session) => session.id !== currentSessionId);

  async function signOutOthers() {
    setPending(true);
    setError(null);
    const { error: failure } = await authClient.revokeOtherSessions();
    setPending(false);
    if (failure) {
      setError(authErrorMessage(failure));
      return;
    }
    toast.success("Signed out of every other session");
    await load();
  }

  return (
    <Card data-testid="account-sessions">
      <CardHeader>
        <CardTitle>Sessions</CardTitle>
        <CardDescription>
          Where your account is signed in. Sign out of the others if you don&apos;t recognise one.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        <FormError message={error} />
        {sessions === null ? (
          <p className="text-sm text-muted-foreground">Loading sessions…</p>
        ) : (
          <ul className="divide-y divide-border rounded-lg border border-border" aria-label="Sessions">
            {[...sessions]
              .sort((a, b) => Number(b.id === currentSessionId) - Number(a.id === currentSessionId))
              .map((session) => (
                <li
                  key={session.id}
                  className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm"
                  data-testid="session-row"
                >
                  <Laptop className="size-4 text-muted-foreground" aria-hidden />
                  <span className="font-medium">{describeAgent(session.userAgent)}</span>
                  {session.id === currentSessionId ? <Badge variant="outline">This session</Badge> : null}
                  <span className="ml-auto text-xs text-muted-foreground">
                    {session.ipAddress ? `${session.ipAddress} · ` : ""}signed in{" "}
                    <RelativeTime value={session.createdAt} />
                  </span>
                </li>
              ))}
          </ul>
        )}
      </CardContent>
      <CardFooter className="justify-between">
        <p className="text-sm text-muted-foreground" data-testid="account-other-sessions">
          {sessions === null
            ? ""
            : others.length === 0
              ? "No other sessions."
              : `${others.length} other ${others.length === 1 ? "session" : "sessions"}.`}
        </p>
        <Button
          variant="outline"
          onClick={() => void signOutOthers()}
          loading={pending}
          disabled={others.length === 0}
          data-testid="account-sign-out-others"
        >
          Sign out of other sessions
        </Button>
      </CardFooter>
    </Card>
  );
}
