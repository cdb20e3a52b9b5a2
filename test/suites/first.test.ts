import { runSuite } from "./specs";

runSuite("first");
