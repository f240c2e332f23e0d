export { clickEventFromStreamFields, clickEventSchema, clickEventToStreamFields, type ClickEvent, type ClickStreamFields } from "./event";
export { visitorHash } from "./visitor-hash";
