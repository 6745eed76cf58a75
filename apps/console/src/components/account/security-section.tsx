"use client";

import { useState } from "react";

import { PasswordForm } from "./password-form";
import { SessionsCard } from "./sessions-card";

/** Password and sessions together: changing the password may sign the other sessions out. */
export function SecuritySection() {
  const [refreshKey, setRefreshKey] = useState(0);
  return (
    <>
      <PasswordForm onOtherSessionsRevoked={() => setRefreshKey((key) => key + 1)} />
      <SessionsCard refreshKey={refreshKey} />
    </>
  );
}
