import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

import { TenancyProvider } from "@tenancy/widgets/provider";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tenancy", template: "%s · Tenancy" },
  description: "Organizations, members, invitations and API tokens.",
};

export const viewport: Viewport = {
  themeColor: "#ffffff",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <TenancyProvider>{children}</TenancyProvider>
      </body>
    </html>
  );
}
