export { type AuditActor, type AuditEventInput, appendAuditEvent } from './append.ts';
export { canonicalJson, eventHash, genesisHash } from './chain.ts';
export { type AuditEvent, type AuditQuery, listAuditEvents } from './list.ts';
export { type ChainBreak, type ChainReport, verifyAuditChain } from './verify.ts';
