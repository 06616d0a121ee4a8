/**
 * `@portcullis/telegram-adapter` — see README.md.
 *
 * @module
 */
export {};
