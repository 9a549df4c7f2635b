import { HeaderSkeleton, LoadingPage, Skeleton } from "@/components/ui/skeleton";

export default function Loading() {
  return (
    <LoadingPage>
      <HeaderSkeleton />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Skeleton className="h-80 rounded-xl" />
        <Skeleton className="h-80 rounded-xl" />
      </div>
      <Skeleton className="h-64 rounded-xl" />
    </LoadingPage>
  );
}
