// Longest files first, so that neither worker is left running one long file alone at the end.
// Jest's own sequencer does this only from the durations of an earlier run on the same checkout; a
// fresh clone (CI) has none, and Jest falls back to file size, which starts the shortest-looking
// files that take longest (the fuzzer, the demo, the real auction in a browser) last. Here a file
// without a recorded duration is estimated by its project (a file that starts the built API and a
// browser takes longer than a unit file), or by an `@expectedSeconds N` tag in its first lines.
const { readFileSync } = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

const SECONDS_BY_PROJECT = { browser: 25, e2e: 10, integration: 3, unit: 1 };

function taggedSeconds(path) {
  try {
    const head = readFileSync(path, 'utf8').slice(0, 4000);
    const tag = /@expectedSeconds\s+(\d+)/.exec(head);
    return tag ? Number(tag[1]) : undefined;
  } catch {
    return undefined;
  }
}

class LongestFirstSequencer extends Sequencer {
  sort(tests) {
    const seconds = new Map(
      tests.map((test) => {
        const recorded = this.time(test);
        const estimate = taggedSeconds(test.path) ?? SECONDS_BY_PROJECT[test.context.config.displayName?.name] ?? 1;
        return [test, recorded != null ? recorded / 1000 : estimate];
      }),
    );
    const failed = (test) => (this.hasFailed(test) ? 1 : 0);
    return [...tests].sort((a, b) => failed(b) - failed(a) || seconds.get(b) - seconds.get(a) || (a.path < b.path ? -1 : 1));
  }
}

module.exports = LongestFirstSequencer;
