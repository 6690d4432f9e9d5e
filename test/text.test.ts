/**
 * The locale-free helpers behind every count in a message and every sorted
 * report section (policies/model/text.ts): the same answer whatever the
 * machine's locale, and never ICU at start-up.
 */
import { describe, expect, it } from "vitest";
import { byText, countText } from "../policies/model/text";

describe("countText", () => {
  it.each([
    [0, "0"],
    [7, "7"],
    [999, "999"],
    [1000, "1,000"],
    [65536, "65,536"],
    [16777216, "16,777,216"],
    [2147483648, "2,147,483,648"],
    [4294967296, "4,294,967,296"],
    [-1234567, "-1,234,567"],
  ])("%d → %s, the en-US grouping the messages used", (n, text) => {
    expect(countText(n)).toBe(text);
    expect(countText(n)).toBe(n.toLocaleString("en-US"));
  });
});

describe("byText", () => {
  it("orders by code units, so upper case and punctuation sort the same on every machine", () => {
    const names = ["us-west-2", "eu-west-1", "us-east-1", "Global", "global", "us-east-10", "us_east"];
    expect([...names].sort(byText)).toEqual(["Global", "eu-west-1", "global", "us-east-1", "us-east-10", "us-west-2", "us_east"]);
    expect([...names].sort(byText)).toEqual([...names].sort());
    expect(byText("a", "a")).toBe(0);
  });
});
