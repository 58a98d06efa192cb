// The router module README snippets of generated code import (`../src/router.js`).
export { appRouter } from '../app.js';
