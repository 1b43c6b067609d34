export {
  CHALLENGE_LABEL,
  challengeRecordName,
  challengeRecordValue,
  checkDomainOwnership,
  type OwnershipCheck,
  type TxtResolver,
} from './ownership/challenge.ts';
export { createDnsResolver } from './ownership/resolver.ts';
export { ensureChallengeToken } from './ownership/token.ts';
