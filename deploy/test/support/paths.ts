// Locations inside the repository, computed from the compiled file (deploy/dist/test/support/).

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const deployRoot = join(repoRoot, 'deploy');
export const kubernetesRoot = join(deployRoot, 'kubernetes');
export const envoyRoot = join(deployRoot, 'envoy');
export const dockerRoot = join(deployRoot, 'docker');
