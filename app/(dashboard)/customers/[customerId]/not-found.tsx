import { ButtonLink } from "@/components/ui/button";

export default function CustomerNotFound() {
  return (
    <div className="mx-auto flex max-w-lg flex-col items-center py-16 text-center">
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Customer not found</h1>
      <p className="mt-2 text-sm text-slate-500">This customer does not exist or was erased.</p>
      <ButtonLink href="/customers" className="mt-6">
        All customers
      </ButtonLink>
    </div>
  );
}
