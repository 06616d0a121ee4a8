/**
 * `@portcullis/metrics` — see README.md.
 *
 * @module
 */
export {};
