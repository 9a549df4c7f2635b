import { ChartsSkeleton, HeaderSkeleton, LoadingPage, StatCardsSkeleton } from "@/components/ui/skeleton";

export default function Loading() {
  return (
    <LoadingPage>
      <HeaderSkeleton />
      <StatCardsSkeleton count={4} />
      <ChartsSkeleton />
    </LoadingPage>
  );
}
