"use client";

import { useQueryClient } from "@tanstack/react-query";
import { LogOut } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { Button } from "@tenancy/widgets/ui/button";

import { authClient } from "@/lib/auth-client";

export function SignOutButton() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant="outline"
      loading={pending}
      onClick={async () => {
        setPending(true);
        await authClient.signOut();
        queryClient.clear();
        router.replace("/sign-in");
        router.refresh();
      }}
    >
      {pending ? null : <LogOut aria-hidden />}
      Sign out
    </Button>
  );
}
