import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { Providers } from "@/components/providers";
import { isSandbox } from "@/lib/env";
import { requirePageUser } from "./_lib/session";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  return (
    <Providers>
      <AppShell user={{ name: user.name, email: user.email, role: user.role }} sandbox={isSandbox()}>
        {children}
      </AppShell>
    </Providers>
  );
}
