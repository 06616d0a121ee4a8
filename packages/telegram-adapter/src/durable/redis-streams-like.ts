/**
 * The one ioredis method the durable queue uses: `call(command, ...args)`.
 * Both `Redis` and `Cluster` from ioredis satisfy it, and Cluster routes each
 * call by its key, so every command here touches keys of a single shard
 * (one hash tag) and runs unchanged on Redis Cluster.
 */
export interface RedisCallLike {
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
}
