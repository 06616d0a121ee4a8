import type { BenchSuite } from '../harness';
import { breakerHalfFailing, breakerSuccess } from './breaker.bench';
import { composeDispatch, composeDispatchTimed } from './compose.bench';
import { httpPipeline, httpPipelineInProcess } from './http-pipeline.bench';
import { instrumentationPublish } from './instrumentation-publish.bench';
import {
  conversationsAtCapacity,
  dedupAtCapacity,
  rateLimitEngineAtCapacity,
} from './memory-stores.bench';
import { metricsHotPath, metricsHotPathRedis, metricsRecordCost } from './metrics.bench';
import { metricsScrape } from './metrics-scrape.bench';
import { ratelimitSuites } from './ratelimit.bench';
import { serviceClientSuite } from './service-client.bench';
import { signing } from './signing.bench';
import { telegramHandleUpdate } from './telegram-handle-update.bench';

/** Every suite `pnpm bench` runs, in order. */
export const suites: BenchSuite[] = [
  instrumentationPublish,
  breakerSuccess,
  breakerHalfFailing,
  serviceClientSuite,
  signing,
  composeDispatch,
  composeDispatchTimed,
  ...ratelimitSuites,
  metricsHotPath,
  metricsHotPathRedis,
  metricsRecordCost,
  metricsScrape,
  telegramHandleUpdate,
  dedupAtCapacity,
  conversationsAtCapacity,
  rateLimitEngineAtCapacity,
  httpPipeline,
  httpPipelineInProcess,
];
