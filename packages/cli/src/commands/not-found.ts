import { isHfiError } from '@hfi/client';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

/** Runs a request about one policy; HFI_NOT_FOUND becomes `policy "x" not found` (exit 3). */
export async function policyNotFound<T>(name: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (isHfiError(error, 'HFI_NOT_FOUND')) {
      throw new CliError(`policy "${name}" not found`, EXIT.notFound, ['  see the existing ones with: hfi-cli policy list']);
    }
    throw error;
  }
}
