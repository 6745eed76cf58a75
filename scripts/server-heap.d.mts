// Types for server-heap.mjs, for TypeScript importers (the module itself is plain JavaScript).
export const SERVER_MAX_OLD_SPACE_MB: number;
export function heapSizeChosen(execArgv: readonly string[], nodeOptions: string | undefined): boolean;
export function withServerHeapBudget(nodeOptions: string | undefined): string;
