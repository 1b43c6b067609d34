export { createApp } from './app.ts';
export type { ApiDeps } from './deps.ts';
export { seedDemoTenant } from './seed.ts';
export { type ApiRuntime, startApi } from './server.ts';
