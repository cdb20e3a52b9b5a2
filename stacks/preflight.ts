// First of all, before the program's modules load: a run that must not apply says so (production
// outside CI, a freeze) without declaring anything. `index.ts` imports this module first;
// `runProgram` checks again, for callers that run the program without `index.ts`.
import { allowedDeployment } from "./deployment";

allowedDeployment();
