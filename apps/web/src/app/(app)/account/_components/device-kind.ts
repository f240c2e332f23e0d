/** What kind of device a session's description ("Safari on iOS", "Chrome on Android") names, for its icon. */
export type DeviceKind = "phone" | "tablet" | "computer";

export function deviceKind(device: string): DeviceKind {
  const os = device.split(" on ").at(-1)?.toLowerCase() ?? "";
  if (os.startsWith("ipados")) return "tablet";
  if (os.startsWith("ios") || os.startsWith("android") || os.includes("windows phone")) return "phone";
  return "computer";
}
