/**
 * Scaffolding shared by the example backend services: every route behind
 * `@portcullis/signing` verification, JSON in and out, health probes and
 * configuration from the environment.
 *
 * @module
 */
export type { LogLine, ServiceApp, ServiceAppOptions } from './app';
export { createServiceApp } from './app';
export type { ServiceConfig } from './config';
export { readServiceConfig, ServiceConfigError } from './config';
export { HttpError, notFound } from './errors';
export type { Route, RouteContext, RouteResult } from './router';
export { createRouter, parseJson, route } from './router';
export { runService } from './run';
export type { RunningService } from './serve';
export { listen } from './serve';
export type { SignedClient } from './testing';
export { signedClient } from './testing';
