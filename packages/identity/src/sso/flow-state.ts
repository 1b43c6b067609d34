import { sha256Base64url } from '../crypto/index.ts';
import { type SsoDeps, ssoKey } from './context.ts';

/** What a started sign-in remembers server-side, for ten minutes and one callback. */
export interface SsoFlowState {
  connectionId: string;
  codeVerifier: string;
  nonce: string;
  /** SHA-256 of the browser cookie the flow was started with. */
  browserHash: string;
  redirectUri: string;
  returnTo: string;
}

export const FLOW_TTL_SECONDS = 10 * 60;
const STATE_FORMAT = /^[A-Za-z0-9_-]{20,128}$/;

const stateKey = (deps: SsoDeps, tenantId: string, state: string) =>
  ssoKey(deps, tenantId, `state:${state}`);

export async function saveFlowState(
  deps: SsoDeps,
  tenantId: string,
  state: string,
  flow: SsoFlowState,
): Promise<void> {
  await deps.redis.set(
    stateKey(deps, tenantId, state),
    JSON.stringify(flow),
    'EX',
    FLOW_TTL_SECONDS,
    'NX',
  );
}

/** Reads and deletes in one command (GETDEL): a state is good for exactly one callback. */
export async function takeFlowState(
  deps: SsoDeps,
  tenantId: string,
  state: string | null,
): Promise<SsoFlowState | null> {
  if (!state || !STATE_FORMAT.test(state)) return null;
  const value = await deps.redis.getdel(stateKey(deps, tenantId, state));
  return value ? (JSON.parse(value) as SsoFlowState) : null;
}

export const browserHash = (browserKey: string) => sha256Base64url(browserKey);
