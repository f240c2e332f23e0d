// One owner for the CSV rules: the export files' module, which the worker's export job writes with too.
export { csvField, toCsv } from "@hop/api/export-files";
