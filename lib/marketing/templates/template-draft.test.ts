import { describe, expect, it } from "vitest";
import { ZTemplateDraft } from "./template-draft";

const bodyIssues = (text: string, examples: string[]) => {
  const r = ZTemplateDraft.safeParse({ name: "spring_sale", language: "en_US", category: "MARKETING", body: { text, examples } });
  return r.success ? [] : r.error.issues.filter((i) => i.path.join(".") === "body.text").map((i) => i.message);
};

describe("a drafted template's name", () => {
  it("an empty name is told that once (QA: 'give the template a name lowercase letters, digits and _ only')", () => {
    const r = ZTemplateDraft.safeParse({ name: "", language: "en_US", category: "MARKETING", body: { text: "Hi there", examples: [] } });
    expect(r.success ? [] : r.error.issues.filter((i) => i.path[0] === "name").map((i) => i.message)).toEqual(["give the template a name"]);
  });
});

describe("a drafted template's body, as Meta's review takes it", () => {
  it("refuses a variable at the very start or end of the body (QA: a body of just {{1}} was submitted)", () => {
    const rule = "a variable cannot start or end the body: Meta rejects such templates (write text before and after it)";
    expect(bodyIssues("{{1}}", ["x"])).toEqual([rule]);
    expect(bodyIssues("{{1}}, the spring range is in.", ["Maria"])).toEqual([rule]);
    expect(bodyIssues("The spring range is in, {{1}}", ["Maria"])).toEqual([rule]);
    expect(bodyIssues("  The spring range is in, {{1}}  ", ["Maria"])).toEqual([rule]);
  });
  it("takes variables inside the text", () => {
    expect(bodyIssues("Hi {{1}}, the spring range is in: {{2}} off until Sunday.", ["Maria", "20%"])).toEqual([]);
  });
});
