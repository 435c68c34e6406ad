import { describe, expect, it } from "vitest";
import { renderShareImage } from "../../app/share-image.server";

const base = { title: "Cancel the contract", organization: "Acme Cloud", verified: 12, goal: 100, status: "open" };

describe("share picture", () => {
  it("is a 1200 × 630 PNG whose pixels follow the count, the title and the goal", async () => {
    const png = await renderShareImage(base);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]);
    // Each figure on the picture changes it: nothing is a fixed image.
    for (const change of [{ verified: 13 }, { title: "Publish the contract" }, { goal: null }, { organization: "Acme Bank" }]) {
      expect((await renderShareImage({ ...base, ...change })).equals(png), JSON.stringify(change)).toBe(false);
    }
    expect((await renderShareImage(base)).equals(png)).toBe(true);
  });

  it("draws a very long title and non-Latin scripts without failing", async () => {
    const png = await renderShareImage({ ...base, title: `Прекратите контракт ${"και δημοσιεύστε ".repeat(30)}`, organization: "Ünïcode GmbH" });
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]);
  });
});
