export * from './accounts/index.ts';
export * from './audit/index.ts';
export * from './crypto/index.ts';
export * from './members/index.ts';
export * from './rbac/index.ts';
export * from './sessions/index.ts';
export * from './sso/index.ts';
export * from './tokens/index.ts';
