import type { ReactNode } from "react";

import { Table, TableBody, TableHead, TableHeader, TableRow } from "../ui/table";

/** A bordered, labelled table: `columns` are the header cells, `children` the body rows. */
export function DataTable({
  label,
  columns,
  busy = false,
  children,
}: {
  label: string;
  columns: ReactNode;
  /** True while the rows shown are being refetched. */
  busy?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="min-w-0 rounded-lg border border-border" aria-busy={busy || undefined}>
      <Table aria-label={label}>
        <TableHeader>
          <TableRow className="hover:bg-transparent">{columns}</TableRow>
        </TableHeader>
        <TableBody>{children}</TableBody>
      </Table>
    </div>
  );
}

/** The header of a trailing column of row buttons: named for screen readers, blank on screen. */
export function ActionsColumnHead() {
  return (
    <TableHead scope="col" className="text-right">
      <span className="sr-only">Actions</span>
    </TableHead>
  );
}
