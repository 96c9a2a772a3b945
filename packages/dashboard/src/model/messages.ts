// What the dashboard tells a person when a call fails: by the error's code, never by its text.
import { isHfiError } from '@hfi/client';

/** Why a call failed, in a sentence; `action` names what was tried ("Applying the policy"). */
export function describeFailure(action: string, error: unknown): string {
  if (isHfiError(error, 'HFI_FORBIDDEN')) {
    return `${action} needs the admin token: this tab is signed in with a token that may only read. Sign in with the admin token to change anything.`;
  }
  if (isHfiError(error, 'HFI_UNAUTHORIZED')) return `${action} failed: the control plane does not accept this token. Sign in again.`;
  if (isHfiError(error, 'HFI_UNREACHABLE')) return `${action} failed: the control plane does not answer (${error.message}).`;
  if (isHfiError(error, 'HFI_VERSION_CONFLICT')) {
    return `${action} failed: the policy changed since it was loaded. Open it again to see the current version.`;
  }
  return `${action} failed: ${error instanceof Error ? error.message : String(error)}`;
}

/** True when the answer means the token (or its absence) is the problem: the sign-in form is shown. */
export function needsSignIn(error: unknown): boolean {
  return isHfiError(error, 'HFI_UNAUTHORIZED');
}
