import { describe, expect, it } from "vitest";
import { slotErrorPaths } from "./form-values";
import { handTypedComponents, handTypedEdits, handTypedFromComponents, handTypedRequirements, shapeOfComponents } from "./hand-typed-template";

const stored = [
  { type: "header", parameters: [{ type: "document", document: { link: "https://cdn.example.com/catalogue.pdf", filename: "catalogue.pdf" } }] },
  { type: "body", parameters: [{ type: "text", variable: { field: "first_name", fallback: "there" } }, { type: "text", text: "30%" }, { type: "text", text: "today" }] },
  { type: "button", sub_type: "url", index: 0, parameters: [{ type: "text", tracked_link: "https://shop.example.com/sale" }] },
  { type: "button", sub_type: "quick_reply", index: 1, parameters: [{ type: "payload", payload: "STOP" }] },
  { type: "button", sub_type: "copy_code", index: 2, parameters: [{ type: "coupon_code", coupon_code: "SAVE10" }] },
];

describe("a template typed by hand", () => {
  it("reads the shape of stored components and builds them back unchanged", () => {
    expect(shapeOfComponents(stored)).toEqual({ header: "document", bodyVariables: 3, buttons: ["url", "quick_reply", "copy_code"] });
    const t = handTypedFromComponents("summer_sale_promo", "en_US", stored);
    expect(t).toMatchObject({ template_name: "summer_sale_promo", language_code: "en_US" });
    expect(handTypedComponents(t)).toEqual(stored);
    const textHeader = [
      { type: "header", parameters: [{ type: "text", variable: { field: "city", fallback: "your city" } }] },
      { type: "button", sub_type: "url", index: 0, parameters: [{ type: "text", text: "summer" }] },
    ];
    expect(handTypedComponents(handTypedFromComponents("t", "en", textHeader))).toEqual(textHeader);
    expect(handTypedComponents(handTypedFromComponents("t", "en", []))).toEqual([]);
    expect(shapeOfComponents("not a list")).toEqual({ header: "none", bodyVariables: 0, buttons: [] });
  });

  it("has one slot per header, body variable and button that takes a value, as a library template would", () => {
    const req = handTypedRequirements({ header: "image", bodyVariables: 2, buttons: ["quick_reply", "url"] });
    expect(req.slots.map((s) => [s.key, s.kind])).toEqual([["header", "image"], ["body.1", "text"], ["body.2", "text"], ["button.0", "payload"], ["button.1", "text"]]);
  });

  it("edits keep the values of the slots that stay, renumbered", () => {
    const t = handTypedFromComponents("t", "en", stored);
    const fewer = handTypedEdits.removeBodyVariable(t, 2);
    expect(fewer.shape.bodyVariables).toBe(2);
    expect(handTypedComponents(fewer)[1]).toEqual({ type: "body", parameters: [stored[1].parameters[0], stored[1].parameters[2]] });
    const twoButtons = handTypedEdits.removeButton(t, 0);
    expect(handTypedComponents(twoButtons).filter((c) => c.type === "button")).toEqual([
      { type: "button", sub_type: "quick_reply", index: 0, parameters: [{ type: "payload", payload: "STOP" }] },
      { type: "button", sub_type: "copy_code", index: 1, parameters: [{ type: "coupon_code", coupon_code: "SAVE10" }] },
    ]);
    const noHeader = handTypedEdits.setHeader(t, "none");
    expect(handTypedComponents(noHeader).some((c) => c.type === "header")).toBe(false);
    // another media kind keeps the link; a text header starts empty
    expect(handTypedComponents(handTypedEdits.setHeader(t, "image"))[0]).toEqual({ type: "header", parameters: [{ type: "image", image: { link: "https://cdn.example.com/catalogue.pdf" } }] });
    expect(handTypedComponents(handTypedEdits.setHeader(t, "text"))[0]).toEqual({ type: "header", parameters: [{ type: "text", text: "" }] });
    const coupon = handTypedEdits.setButtonType(t, 1, "copy_code");
    expect(handTypedComponents(coupon)[3]).toEqual({ type: "button", sub_type: "copy_code", index: 1, parameters: [{ type: "coupon_code", coupon_code: "" }] });
    const more = handTypedEdits.addButton(handTypedEdits.addBodyVariable(t));
    expect(more.shape).toEqual({ header: "document", bodyVariables: 4, buttons: ["url", "quick_reply", "copy_code", "quick_reply"] });
    let full = t;
    for (let i = 0; i < 12; i++) full = handTypedEdits.addButton(full);
    expect(full.shape.buttons).toHaveLength(10);
  });

  it("points the server's error paths at the slot they concern", () => {
    const t = handTypedFromComponents("t", "en", stored);
    expect(slotErrorPaths(handTypedRequirements(t.shape), handTypedComponents(t))).toEqual({
      header: "template_components.0",
      "body.1": "template_components.1.parameters.0",
      "body.2": "template_components.1.parameters.1",
      "body.3": "template_components.1.parameters.2",
      "button.0": "template_components.2",
      "button.1": "template_components.3",
      "button.2": "template_components.4",
    });
  });
});
