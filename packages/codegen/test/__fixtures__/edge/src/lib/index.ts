// A barrel: `export *` and a renamed named re-export of a project module.
export * from './middleware.js';
export { cacheMiddleware as cacheFor } from './middleware.js';
