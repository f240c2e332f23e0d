import { Activity, ChartColumn, Link2, UserRound, type LucideIcon } from "lucide-react";

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
  /** Shown only to operators (OPERATOR_EMAILS); the page itself checks again on the server. */
  operatorsOnly?: true;
}

/** The signed-in areas, in the order the navigation shows them. Add a page here and it appears in the sidebar and the mobile menu. */
export const navItems: readonly NavItem[] = [
  { href: "/links", label: "Links", icon: Link2 },
  { href: "/analytics", label: "Analytics", icon: ChartColumn },
  { href: "/system", label: "System", icon: Activity, operatorsOnly: true },
  { href: "/account", label: "Account", icon: UserRound },
];

/**
 * The items this visitor sees: none when signed out (every page here would
 * send them to sign in), System only for operators. While sessions cannot be
 * checked ("unknown") a signed-in user keeps their way around, without System.
 */
export function visibleNavItems(user: { operator: boolean } | null | "unknown"): readonly NavItem[] {
  if (user === null) return [];
  const operator = user !== "unknown" && user.operator;
  return navItems.filter((item) => operator || !item.operatorsOnly);
}

/** True when `pathname` is the item's page or one below it (`/links/abc` is under Links). */
export function isCurrentNavItem(item: NavItem, pathname: string): boolean {
  return pathname === item.href || pathname.startsWith(`${item.href}/`);
}
