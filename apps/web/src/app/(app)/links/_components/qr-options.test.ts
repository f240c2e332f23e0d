import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import { qrOptions } from "./qr-options";

// Issue 12: the QR code's quiet zone was 2 modules; ISO/IEC 18004 asks for 4 on every side.
describe("the QR code of a short link", () => {
  it("has a quiet zone of 4 modules on every side, in the SVG and the PNG alike", async () => {
    const url = "https://hop.example/spring-sale";
    const modules = QRCode.create(url, { errorCorrectionLevel: qrOptions.errorCorrectionLevel }).modules.size;
    const svg = await QRCode.toString(url, { ...qrOptions, type: "svg" });
    expect(svg).toContain(`viewBox="0 0 ${modules + 8} ${modules + 8}"`);
    // The PNG at 1 pixel a module: as wide as the code plus 4 light modules each side.
    const png = await QRCode.toBuffer(url, { ...qrOptions, type: "png", scale: 1 });
    expect(png.readUInt32BE(16)).toBe(modules + 8);
  });
});
