import type { BenchSuite } from '../harness';
import { instrumentationPublish } from './instrumentation-publish.bench';

/** Every suite `pnpm bench` runs, in order. */
export const suites: BenchSuite[] = [instrumentationPublish];
