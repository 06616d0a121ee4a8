/**
 * `@portcullis/redis-ratelimit` — see README.md.
 *
 * @module
 */
export {};
