import { Activity, Link2, UserRound, type LucideIcon } from "lucide-react";

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
  { href: "/system", label: "System", icon: Activity, operatorsOnly: true },
  { href: "/account", label: "Account", icon: UserRound },
];

/** The items this visitor sees: System only for operators. */
export function visibleNavItems(operator: boolean): readonly NavItem[] {
  return navItems.filter((item) => operator || !item.operatorsOnly);
}

/** True when `pathname` is the item's page or one below it (`/links/abc` is under Links). */
export function isCurrentNavItem(item: NavItem, pathname: string): boolean {
  return pathname === item.href || pathname.startsWith(`${item.href}/`);
}
