import { runSuite } from "./specs";

runSuite("second");
