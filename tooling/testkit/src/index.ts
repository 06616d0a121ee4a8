/**
 * Real services for Portcullis tests. Nothing here imitates a service: each
 * helper starts the real program on 127.0.0.1 and stops it afterwards.
 *
 * @module
 */
export { findBinary, MissingBinaryError, requireBinary } from './binaries';
export { retainedHeapBytes } from './heap';
export { freePort, freePortPair, isPortFree } from './ports';
export type { PostgresServer, PostgresServerOptions } from './postgres';
export { postgresBinary, startPostgres } from './postgres';
export {
  killLeftoverServices,
  serviceDir,
  spawnService,
  stopProcess,
  TESTKIT_ROOT,
} from './processes';
export type { RedisCluster, RedisClusterOptions } from './redis-cluster';
export { startRedisCluster } from './redis-cluster';
export type { RedisServer, RedisServerOptions } from './redis-server';
export { startRedisServer, waitForPing } from './redis-server';
