import { ChartsSkeleton, HeaderSkeleton, LoadingPage, Skeleton, StatCardsSkeleton } from "@/components/ui/skeleton";

export default function Loading() {
  return (
    <LoadingPage>
      <HeaderSkeleton back title="h-8 w-72" />
      <StatCardsSkeleton count={6} grid="grid-cols-2 md:grid-cols-3 xl:grid-cols-6" />
      <Skeleton className="h-20 rounded-xl" />
      <ChartsSkeleton />
    </LoadingPage>
  );
}
