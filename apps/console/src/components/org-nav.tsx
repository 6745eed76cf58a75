"use client";

import { ChevronLeft, ChevronRight } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";

import { cn } from "@tenancy/widgets/ui/cn";

export interface OrgTab {
  href: string;
  label: string;
}

/** The tab a path belongs to: the overview only for itself, a section for itself and its sub-pages. */
export function currentTab(tabs: OrgTab[], pathname: string | null, overviewHref: string): OrgTab | undefined {
  if (!pathname) return undefined;
  return tabs
    .filter((tab) =>
      tab.href === overviewHref ? pathname === tab.href : pathname === tab.href || pathname.startsWith(`${tab.href}/`),
    )
    .sort((a, b) => b.href.length - a.href.length)[0];
}

/**
 * The organization's sections, as links (each is its own page); the current one is marked for screen
 * readers. On a narrow screen the bar scrolls sideways: a fade and an arrow at each edge show that more
 * tabs are there, and the current tab is scrolled into view.
 */
export function OrgNav({ tabs, overviewHref }: { tabs: OrgTab[]; overviewHref: string }) {
  const pathname = usePathname();
  const current = currentTab(tabs, pathname, overviewHref);
  const scroller = useRef<HTMLDivElement>(null);
  const [overflow, setOverflow] = useState({ left: false, right: false });

  const measure = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const left = el.scrollLeft > 1;
    const right = el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
    setOverflow((previous) => (previous.left === left && previous.right === right ? previous : { left, right }));
  }, []);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    el.querySelector<HTMLElement>('[aria-current="page"]')?.scrollIntoView({ block: "nearest", inline: "nearest" });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [measure, current?.href]);

  const scrollBy = (direction: -1 | 1) =>
    scroller.current?.scrollBy({ left: direction * scroller.current.clientWidth * 0.6, behavior: "smooth" });

  return (
    <nav aria-label="Organization" className="relative -mb-px" data-testid="org-nav">
      <div ref={scroller} onScroll={measure} className="overflow-x-auto [scrollbar-width:none]">
        <ul className="flex min-w-max gap-1">
          {tabs.map((tab) => {
            const active = tab.href === current?.href;
            return (
              <li key={tab.href}>
                <Link
                  href={tab.href}
                  aria-current={active ? "page" : undefined}
                  className={cn(
                    "inline-flex h-10 items-center border-b-2 px-3 text-sm whitespace-nowrap transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset",
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
      </div>
      {/* Mouse users get arrows; keyboard users tab through the links, which scroll into view anyway. */}
      <OverflowCue side="left" visible={overflow.left} onClick={() => scrollBy(-1)} />
      <OverflowCue side="right" visible={overflow.right} onClick={() => scrollBy(1)} />
    </nav>
  );
}

function OverflowCue({ side, visible, onClick }: { side: "left" | "right"; visible: boolean; onClick: () => void }) {
  if (!visible) return null;
  const Icon = side === "left" ? ChevronLeft : ChevronRight;
  return (
    <div
      className={cn(
        "pointer-events-none absolute inset-y-0 flex w-12 items-center from-background via-background/90 to-transparent",
        side === "left" ? "left-0 justify-start bg-gradient-to-r" : "right-0 justify-end bg-gradient-to-l",
      )}
      data-testid={`org-nav-more-${side}`}
    >
      <button
        type="button"
        tabIndex={-1}
        aria-hidden
        onClick={onClick}
        className="pointer-events-auto inline-flex size-7 items-center justify-center rounded-full border border-border bg-background text-muted-foreground shadow-xs hover:text-foreground"
      >
        <Icon className="size-4" />
      </button>
    </div>
  );
}
