// The worker of tests/core/fanout_test.ts: the same handler as the test's thread runs.
import { serveTasks } from "../../src/core/pool.ts";
import { square } from "./_square.ts";

serveTasks(square);
