/**
 * The flags node is started with by every launcher this project ships: the `actlog` command's
 * first line (src/cli/main.ts), `npm start`, and the benchmarks' servers. V8 reads them only
 * when the process starts, so `actlog serve` cannot set them itself (it sets what it can at
 * run time: `--heap-growing-percent`, src/cli/commands/serve.ts).
 *
 * `--max-semi-space-size=8` caps the young generation at 16 MB instead of 32 MB. Measured on
 * 10M records under page load: peak RSS 203–204 MB instead of 217–218 MB, at the same or
 * better page rates (docs/decisions.md, "A smaller young generation, from the launcher").
 * test/project/launch.test.ts holds the first line and `npm start` to this list.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
