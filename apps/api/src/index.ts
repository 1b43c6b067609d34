export { createApp } from './app.ts';
export type { ApiDeps } from './deps.ts';
export { type ApiRuntime, startApi } from './server.ts';
