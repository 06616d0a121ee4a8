/** The four example backend services in one process, for demos and end-to-end tests. @module */
export type { ExampleServices, ExampleServicesOptions, ServiceName } from './stack';
export { SERVICE_NAMES, startExampleServices } from './stack';
