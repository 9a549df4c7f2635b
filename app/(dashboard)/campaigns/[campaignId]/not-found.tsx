import { ButtonLink } from "@/components/ui/button";

export default function CampaignNotFound() {
  return (
    <div className="mx-auto flex max-w-lg flex-col items-center py-16 text-center">
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Campaign not found</h1>
      <p className="mt-2 text-sm text-slate-500">It may have been deleted, or the link is wrong.</p>
      <ButtonLink href="/campaigns" className="mt-6">
        All campaigns
      </ButtonLink>
    </div>
  );
}
