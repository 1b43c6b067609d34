export { createIdentityCache } from './identity-cache.ts';
export { forgetNearCopies, NearCache, type NearCacheOptions } from './near-cache.ts';
