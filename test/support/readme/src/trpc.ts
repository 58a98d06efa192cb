// The procedures module README snippets of generated code import (`../src/trpc.js`).
export { authedProcedure } from '../app.js';
