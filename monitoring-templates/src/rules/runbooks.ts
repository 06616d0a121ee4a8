/**
 * What to do for each alert. Thresholds are not repeated here: the generated
 * runbook section takes them from the alert's own description, so the text
 * cannot drift from the rule.
 */
export const RUNBOOKS: Readonly<Record<string, string>> = {
  CircuitBreakerOpen: `Open the Service integration dashboard for that backend: did its error ratio or latency rise first? Check the backend's own health and deploys. The breaker half-opens by itself after its open period; do not restart the gateway to close it, that only sends full traffic to a sick backend. If the backend is healthy again but the breaker keeps opening, compare the breaker's thresholds with the backend's normal error rate.`,
  CriticalErrorRate: `Look at **Errors by code** on the Overview: one code dominating (\`timeout\`, \`circuit_open\`, \`storage_unavailable\`…) names the layer. Check recent deploys of the gateway and of the backends it calls; roll back if the rise started with a deploy. Users are getting error replies meanwhile.`,
  CriticalMemoryUsage: `Check the Performance dashboard: a heap that grows steadily between collections is a leak (take a heap snapshot with \`--inspect\` before restarting); a jump together with the outbound queue or in-flight updates means a backlog held in memory. Restart the instance if it is about to be killed, after taking the snapshot.`,
  ServiceRequestTimeout: `Check the backend's latency and saturation; compare its p99 on the Service integration dashboard with the gateway's configured timeout. Retries multiply load on a slow backend: if the breaker has not opened, consider fewer retries for it.`,
  GatewayDown: `Check the process or container (\`docker compose ps\`, logs), its health endpoint, and whether the \`/metrics\` port is reachable from Prometheus (network, target address in \`prometheus.yml\`). If the gateway runs but \`/metrics\` does not answer, the event loop may be blocked: look at the last lag values before the gap.`,
  WebhookFailing: `Telegram retries failed deliveries, slows down, and drops updates after about a day. Compare handler time (Overview) with Telegram's wait of about 60 s, and read the gateway logs for the failing requests. \`getWebhookInfo\` shows Telegram's view (\`last_error_message\`, \`pending_update_count\`).`,
  HighErrorRate: `Same diagnosis as CriticalErrorRate, with time to look: find the error code and the update type that grew, and file a fix.`,
  HighMessageLatency: `Look at backend latency (Service integration), Redis latency and event-loop lag (Performance): one of them usually moved first. Slow handling delays the next update of the same chat, since each chat is handled in order.`,
  HighServiceErrorRate: `Check the backend's logs and deploys; **Errors by code** separates \`http_status\` (the backend answered 5xx) from \`network\` and \`timeout\`.`,
  ExcessiveRateLimitBlocks: `Find out whether a few users cause it (abuse: consider blocking them) or many (the limit is too tight for real traffic: raise it). A sudden rise after a release can mean a client retry loop.`,
  TelegramFloodWait: `The outbound scheduler honours \`retry_after\` with a shared cooldown, so replies are late but not lost. Look for a broadcast or a loop sending to one chat; stay below about 1 message/s per chat, 20/min per group and 30/s overall.`,
  HighEventLoopLag: `Look for CPU-bound work (large JSON, synchronous crypto, regular expressions on user input), GC pressure (Performance dashboard), or very large \`/metrics\` expositions.`,
  RedisErrors: `Rate limits fall back to the memory engine (per instance, not shared) and FSM state or deduplication may be unavailable. Check Redis health, memory (\`maxmemory\` evictions), connection limits, and failovers in a cluster.`,
  SignatureFailures: `Look at the reasons (\`signing_verification_failures_total\` by \`error_code\`): expired or future timestamps mean clock skew (check NTP); unknown key ids mean a key rotation out of step between gateway and services; digest mismatches mean a proxy that rewrites bodies; a burst of bad signatures from outside means forged requests.`,
  OutboundQueueBacklog: `Check Telegram 429s and cooldowns (Performance dashboard): the bot sends more than Telegram allows. Spread broadcasts over time or use paid broadcasts.`,
  MetricLabelOverflow: `A label took a value outside its documented set, or more distinct values than \`maxLabelValues\` allows (\`createMetrics\`, default 100). Check what the application passes for that metric's open labels: user text as a command name or a raw URL as a route are bugs to fix; raise \`maxLabelValues\` only if the set is legitimately larger and still bounded.`,
  UpdateErrorBudgetFastBurn: `Treat it as an incident: follow CriticalErrorRate to find the failing layer, then stop the burn (roll back, disable the failing feature, or shed load).`,
  UpdateErrorBudgetSlowBurn: `Not an outage yet: find the error code that grew over the last hours and plan a fix before the budget is gone.`,
  ServiceErrorBudgetFastBurn: `Follow HighServiceErrorRate and ServiceRequestTimeout for that service, and involve the team that owns the backend.`,
  ServiceErrorBudgetSlowBurn: `Share the Service integration dashboard with the backend's owners and agree on a fix.`,
};
