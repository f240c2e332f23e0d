/** What kind of device a session's description (describeDevice: "Safari on iOS", "Chrome on Android tablet") names, for its icon. */
export type DeviceKind = "phone" | "tablet" | "computer";

export function deviceKind(device: string): DeviceKind {
  const os = device.split(" on ").at(-1)?.toLowerCase() ?? "";
  if (os.startsWith("ipados") || os.endsWith("tablet")) return "tablet";
  if (os.startsWith("ios") || os.startsWith("android") || os.includes("windows phone")) return "phone";
  return "computer";
}
