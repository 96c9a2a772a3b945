// Locations of the deployment files inside the repository.

import { join } from 'node:path';
import { repoRoot } from '@hfi/testkit';

export { repoRoot };

const deployRoot = join(repoRoot, 'deploy');
export const kubernetesRoot = join(deployRoot, 'kubernetes');
export const envoyRoot = join(deployRoot, 'envoy');
export const dockerRoot = join(deployRoot, 'docker');
