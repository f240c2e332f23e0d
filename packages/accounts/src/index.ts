export { forgetUserSessions, purgeAccount, purgeDueAccounts, type PurgeDeps } from "./purge";
