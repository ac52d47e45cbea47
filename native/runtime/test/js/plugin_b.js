'use strict';
// Test bundle loaded through test library B (a different .so, same process).
module.exports = {
  name: () => 'b',
  add: (a, b) => a + b,
  trivial: (i) => i,
  str: () => 'value',
  fetchText: async (url) => (await fetch(url)).text(),
  exitNow: (code) => {
    process.exit(code);
    return 42; // never reached: exit stops the environment
  },
  spin: () => {
    for (;;) {
      // endless loop: only TerminateExecution() gets us out
    }
  },
  spinInTimer: () => {
    setTimeout(() => {
      for (;;) {
        // endless loop in a loop callback: destroy must still return
      }
    }, 1);
    return 1;
  },
  exitLater: (code) => {
    setTimeout(() => process.exit(code), 5);
    return 1;
  },
};
