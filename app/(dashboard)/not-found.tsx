import { ButtonLink } from "@/components/ui/button";

export default function NotFound() {
  return (
    <div className="mx-auto flex max-w-lg flex-col items-center py-16 text-center">
      <p className="text-sm font-semibold text-brand-700">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">We couldn’t find that</h1>
      <p className="mt-2 text-sm text-slate-500">It may have been removed, or the link is wrong.</p>
      <div className="mt-6 flex gap-2">
        <ButtonLink href="/campaigns">Campaigns</ButtonLink>
        <ButtonLink href="/overview" variant="secondary">
          Overview
        </ButtonLink>
      </div>
    </div>
  );
}
