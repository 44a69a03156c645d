/** Issue 4: an actlog on 10M records answers as soon as one on an empty database. */
import { join } from 'node:path';
import { API, atMost, type Goal, records } from '../lib/goal.js';
import { httpRequest } from '../lib/servers.js';
import { fmt, pairedRatios, ratioText, spread } from '../lib/stats.js';

export const startup: Goal = {
  name: 'startup',
  title: 'Start-up: time to first answer',
  async run(bench) {
    const { mode, big } = bench;
    const firstAnswer = async (db: string) => {
      const started = performance.now();
      const server = await bench.startActlog(db, 'actlog (start-up)');
      for (;;) {
        const answer = await httpRequest(`${server.origin}${API}/count`).catch(() => undefined);
        if (answer?.status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const ms = performance.now() - started;
      await bench.stop(server);
      return ms;
    };
    const empty = join(bench.tmp, 'empty.db');
    await bench.stop(await bench.startActlog(empty, 'actlog (create)')); // both runs only open a file
    const emptyMs: number[] = [];
    const bigMs: number[] = [];
    for (let round = 1; round <= mode.startupRounds; round++) {
      emptyMs.push(await firstAnswer(empty));
      bigMs.push(await firstAnswer(big.file));
      bench.log(
        `  [${round}/${mode.startupRounds}] empty ${emptyMs.at(-1)?.toFixed(0)} ms, ${records(big.records)} ${bigMs.at(-1)?.toFixed(0)} ms`,
      );
    }
    const ratio = pairedRatios(bigMs, emptyMs);
    return {
      verdicts: [atMost(4, `time to first answer, ${records(big.records)} records / empty database`, ratio, 2)],
      body: [
        `Spawn of \`actlog serve\` until the first successful \`GET ${API}/count\`, ${mode.startupRounds} rounds ` +
          'alternating an empty (initialised) database and the big one, warm OS cache.',
        '',
        '| database | time to first answer (ms) |',
        '|---|---:|',
        `| empty | ${fmt(spread(emptyMs), 0)} |`,
        `| ${records(big.records)} records | ${fmt(spread(bigMs), 0)} |`,
        '',
        `${records(big.records)} / empty: ${ratioText(ratio)} (goal ≤ 2×).`,
      ],
      raw: { emptyMs, bigMs },
    };
  },
};
