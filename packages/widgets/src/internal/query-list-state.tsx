import type { ReactNode } from "react";

import { ErrorMessage } from "../ui/error-message";
import { LoadingRows } from "../ui/skeleton";

/**
 * The states every list widget goes through: skeleton rows while the first load runs, the error when
 * it failed, `emptyState` when there is nothing to show, else the list itself (`children`).
 */
export function QueryListState({
  query,
  isEmpty,
  loadingLabel,
  loadingRows = 3,
  errorTitle,
  keepRowsOnError = false,
  emptyState,
  children,
}: {
  query: { isPending: boolean; isError: boolean; error: unknown };
  isEmpty: boolean;
  loadingLabel: string;
  loadingRows?: number;
  errorTitle: string;
  /** Paged lists: when loading a further page fails, the rows already shown stay instead of the error. */
  keepRowsOnError?: boolean;
  emptyState: ReactNode;
  children: ReactNode;
}) {
  if (query.isPending) return <LoadingRows rows={loadingRows} label={loadingLabel} />;
  if (query.isError && (isEmpty || !keepRowsOnError)) return <ErrorMessage error={query.error} title={errorTitle} />;
  if (isEmpty) return emptyState;
  return children;
}
