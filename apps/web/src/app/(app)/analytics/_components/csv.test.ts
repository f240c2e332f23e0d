import { unzipSync, strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { toCsv } from "../../../../lib/csv";
import { zipCsvFiles } from "./csv";

describe("CSV export", () => {
  it("quotes what needs quoting and defuses formulas", () => {
    expect(
      toCsv(
        ["name", "clicks"],
        [
          ["a, b", 1],
          ['say "hi"', 2],
          ["=HYPERLINK()", 3],
          [null, -4],
        ],
      ),
    ).toBe('name,clicks\r\n"a, b",1\r\n"say ""hi""",2\r\n\'=HYPERLINK(),3\r\n,-4\r\n');
  });

  it("zips one CSV per card", () => {
    const zip = zipCsvFiles({ "countries.csv": "country,clicks\r\nDE,3\r\n", "devices.csv": "device,clicks\r\n" });
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(["countries.csv", "devices.csv"]);
    expect(strFromU8(files["countries.csv"] ?? new Uint8Array())).toBe("country,clicks\r\nDE,3\r\n");
  });
});
