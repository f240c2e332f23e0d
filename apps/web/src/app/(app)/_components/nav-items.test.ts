import { describe, expect, it } from "vitest";
import { visibleNavItems } from "./nav-items";

const labels = (user: Parameters<typeof visibleNavItems>[0]) => visibleNavItems(user).map((item) => item.label);

describe("visibleNavItems", () => {
  it("shows a signed-out visitor no Links and no Account: only the way to sign in, which the shell adds", () => {
    expect(labels(null)).toEqual([]);
  });

  it("shows a signed-in user Links, Analytics and Account, and System only to an operator", () => {
    expect(labels({ operator: false })).toEqual(["Links", "Analytics", "Account"]);
    expect(labels({ operator: true })).toEqual(["Links", "Analytics", "System", "Account"]);
  });

  it("keeps Links, Analytics and Account, without System, while sessions cannot be checked", () => {
    expect(labels("unknown")).toEqual(["Links", "Analytics", "Account"]);
  });
});
