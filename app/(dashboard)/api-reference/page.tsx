import type { Metadata } from "next";
import { ApiReference, type ReferenceDocument } from "@/components/api-reference/api-reference";
import { buttonClass } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { getOpenApiDocument } from "@/lib/http/openapi/document";

export const metadata: Metadata = { title: "API reference" };

export default function ApiReferencePage() {
  const doc = getOpenApiDocument() as unknown as ReferenceDocument;
  return (
    <>
      <PageHeader
        title="API reference"
        description={`${doc.info.title} ${doc.info.version} — generated from the schemas that validate every request.`}
        actions={<a href="/api/marketing/openapi.json" className={buttonClass("secondary")}>openapi.json</a>}
      />
      <ApiReference doc={doc} />
    </>
  );
}
