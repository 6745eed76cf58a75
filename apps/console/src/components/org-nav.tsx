"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

import { cn } from "@tenancy/widgets/ui/cn";

export interface OrgTab {
  href: string;
  label: string;
}

/** The organization's sections, as links (each is its own page); the current one is marked for screen readers. */
export function OrgNav({ tabs }: { tabs: OrgTab[] }) {
  const pathname = usePathname();
  const current = tabs
    .filter((tab) => pathname === tab.href || pathname?.startsWith(`${tab.href}/`))
    .sort((a, b) => b.href.length - a.href.length)[0];
  return (
    <nav aria-label="Organization" className="-mb-px overflow-x-auto">
      <ul className="flex min-w-max gap-1">
        {tabs.map((tab) => {
          const active = tab.href === current?.href;
          return (
            <li key={tab.href}>
              <Link
                href={tab.href}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "inline-flex h-10 items-center border-b-2 px-3 text-sm transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset",
                  active
                    ? "border-foreground font-medium text-foreground"
                    : "border-transparent text-muted-foreground hover:border-border hover:text-foreground",
                )}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
