export { parseCommand, parseCommandList, type RedisCommand } from "./commands";
export { CommandRejectedError, RedisReplyError, RedisTimeoutError, RedisUnavailableError, RestError } from "./errors";
export { RedisExecutor, type CommandOutcome, type ExecutorOptions } from "./executor";
export { encodeReply, type JsonReply, type RedisReply, type ReplyEncoding } from "./replies";
export { answerRestRequest, restEndpointOf, subscriptionOf, type RestBody, type RestEndpoint, type RestItem, type RestResponse } from "./rest";
export { scriptSha, stripShebang } from "./scripts";
export { subscriptionEvent, TooManySubscriptionsError, type Subscription, type SubscriptionKind } from "./subscriptions";
