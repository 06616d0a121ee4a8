/**
 * `@portcullis/signing` — see README.md.
 *
 * @module
 */
export {};
