import { Activity, Link2, UserRound, type LucideIcon } from "lucide-react";

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
}

/** The signed-in areas, in the order the navigation shows them. Add a page here and it appears in the sidebar and the mobile menu. */
export const navItems: readonly NavItem[] = [
  { href: "/links", label: "Links", icon: Link2 },
  { href: "/system", label: "System", icon: Activity },
  { href: "/account", label: "Account", icon: UserRound },
];

/** True when `pathname` is the item's page or one below it (`/links/abc` is under Links). */
export function isCurrentNavItem(item: NavItem, pathname: string): boolean {
  return pathname === item.href || pathname.startsWith(`${item.href}/`);
}
