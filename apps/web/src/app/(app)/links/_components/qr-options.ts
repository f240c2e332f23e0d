// Dark on light whatever the page's theme: scanners need the contrast a printed code has.
// margin 4: the quiet zone ISO/IEC 18004 asks for (4 modules on every side); scanners fail more often on less.
export const qrOptions = { margin: 4, errorCorrectionLevel: "M", color: { dark: "#000000", light: "#ffffff" } } as const;
