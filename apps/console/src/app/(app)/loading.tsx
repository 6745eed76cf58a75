import { Skeleton } from "@tenancy/widgets/ui/skeleton";

export default function Loading() {
  return (
    <div role="status" aria-label="Loading" className="mx-auto grid max-w-6xl gap-6 px-4 py-10 sm:px-6">
      <div className="flex items-center gap-3">
        <Skeleton className="size-10" />
        <div className="grid gap-2">
          <Skeleton className="h-6 w-48" />
          <Skeleton className="h-3 w-24" />
        </div>
      </div>
      <Skeleton className="h-9 w-full max-w-xl" />
      <Skeleton className="h-64 w-full" />
    </div>
  );
}
