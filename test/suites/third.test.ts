import { runSuite } from "./specs";

runSuite("third");
