// Public entry of @hfi/recommender: the pieces a live executor, the mesh benchmark and hfi-cli (`recommend`) build on.

export type { RecommenderIo } from './context.js';
export type { Candidate, Dimension } from './encoding/dimensions.js';
export { LABELS, policyForCandidate, trialPolicyName } from './encoding/policy.js';
export { encodeSpace } from './encoding/space-encoding.js';
export type { Observation, Optimiser } from './optimisers/optimiser.js';
export { createOptimiser, OPTIMISER_NAMES, type OptimiserName } from './optimisers/registry.js';
export { processRecommenderIo } from './process-io.js';
export { runRecommender } from './program.js';
export type { Session, TrialRecord } from './sessions/session.js';
export { SessionStore } from './sessions/store.js';
export { DEMO_MESH, type MeshCall, type MeshEntryRoute } from './simulate/demo-mesh.js';
export { SimulatedExecutor } from './simulate/executor.js';
export { readSearchSpace, validateSearchSpace } from './space/read.js';
export type { SearchSpace } from './space/types.js';
export type { TrialExecutor, TrialWindow } from './trials/executor.js';
export type { Outcomes, Score } from './trials/outcomes.js';
export { runSession } from './trials/runner.js';
