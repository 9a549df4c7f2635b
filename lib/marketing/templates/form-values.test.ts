import { describe, expect, it } from "vitest";
import { sandboxTemplates } from "@/lib/whatsapp/templates/sandbox-templates";
import { buildComponents, defaultValues } from "./form-values";
import { renderTemplatePreview } from "./preview";
import { deriveTemplateRequirements } from "./requirements";
import { validateTemplateComponents } from "./validate-components";

const byName = (name: string) => {
  const t = sandboxTemplates().find((x) => x.name === name)!;
  return deriveTemplateRequirements(t.components, t.parameter_format);
};
const problems = (name: string) => {
  const req = byName(name);
  const r = validateTemplateComponents(req, buildComponents(req, defaultValues(req)));
  return r.ok ? [] : r.problems.map((p) => p.path);
};

describe("defaultValues: a freshly picked template's values", () => {
  it("start empty: the template's examples are hints, never text sent to everyone", () => {
    for (const name of ["summer_sale_personal", "back_to_school", "flash_sale"]) {
      const req = byName(name);
      const values = defaultValues(req);
      expect(values["body.1"], name).toEqual({ mode: "literal", text: "" });
      expect(values["body.2"], name).toEqual({ mode: "literal", text: "" });
      // the preview keeps the placeholders instead of greeting everyone as the example's "Maria"
      const preview = renderTemplatePreview(req, buildComponents(req, values), { name: "Lucas Silva" });
      expect(preview.body, name).not.toContain("Maria");
      expect(preview.body, name).toContain("{{1}}");
    }
  });

  it("are still needed until filled: every empty variable is a problem (the form lists it, the server refuses it)", () => {
    expect(problems("summer_sale_personal")).toEqual(expect.arrayContaining(["template_components.1.parameters.0.text", "template_components.1.parameters.1.text"]));
    expect(problems("flash_sale")).toEqual(expect.arrayContaining(["template_components.1.parameters.0.text", "template_components.1.parameters.1.text"]));
  });

  it("a copy-code button and a URL suffix start empty too (their examples are placeholders)", () => {
    expect(defaultValues(byName("welcome_coupon"))["button.0"]).toEqual({ text: "" });
    expect(defaultValues(byName("member_rewards"))["button.0"]).toEqual({ mode: "literal", text: "" });
  });

  it("a variable named for a name stays the customer's first name with a fallback", () => {
    const values = defaultValues(byName("member_rewards"));
    expect(values["body.first_name"]).toEqual({ mode: "variable", field: "first_name", fallback: "there" });
    expect(values.header).toEqual({ mode: "variable", field: "first_name", fallback: "there" });
    expect(values["body.points"]).toEqual({ mode: "literal", text: "" });
  });
});
