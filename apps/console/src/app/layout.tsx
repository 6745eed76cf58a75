import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

import { TenancyProvider } from "@tenancy/widgets/provider";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tenancy", template: "%s · Tenancy" },
  description: "Organizations, members, invitations and API tokens.",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#1c1c1c" },
  ],
  colorScheme: "light dark",
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
