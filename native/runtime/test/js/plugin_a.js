'use strict';
// Test bundle loaded by the runtime test driver through test library A.
const http = require('http');

let timerCount = 0;
const timers = [];
let server = null;
let hits = 0;
let tickFlag = 0;
let microFlag = 0;
let sigints = 0;

module.exports = {
  name: () => 'a',
  add: (a, b) => a + b,
  trivial: (i) => i,
  str: () => 'value',
  greet: (who) => `hello, ${who}!`,
  unicode: () => 'h\u00e9llo w\u00f6rld \u2713 \u{1F600}',
  big: (n) => n + 1n,

  throwError: () => {
    throw new TypeError('boom');
  },
  throwString: () => {
    throw 'plain string';
  },
  throwInTimeout: () => {
    setTimeout(() => {
      throw new Error('late boom');
    }, 1);
    return 1;
  },
  rejectUnhandled: () => {
    Promise.reject(new Error('nobody handles me'));
    return 1;
  },
  infinite: () => {
    const f = (k) => f(k + 1) + 1;
    return f(0);
  },

  log: (msg) => {
    console.log('log:', msg);
    console.info('info:', msg);
    console.warn('warn:', msg);
    console.error('error:', msg);
    console.debug('debug:', msg);
    process.stdout.write(`stdout:${msg}\npartial`);
    process.stdout.write(`-line\n`);
    process.stderr.write(`stderr:${msg}\n`);
    return 1;
  },

  nextTickSet: () => {
    tickFlag = 0;
    microFlag = 0;
    process.nextTick(() => {
      tickFlag = 1;
    });
    Promise.resolve().then(() => {
      microFlag = 1;
    });
    return 0;
  },
  getFlags: () => tickFlag * 10 + microFlag,
  tickFromMicrotask: () => {
    tickFlag = 0;
    microFlag = 0;
    Promise.resolve().then(() => process.nextTick(() => (tickFlag = 2)));
    return 0;
  },

  asyncValue: async (x) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return x * 2;
  },
  asyncString: async (s) => {
    await new Promise((resolve) => setImmediate(resolve));
    return `async ${s}`;
  },
  asyncReject: async () => {
    await null;
    throw new RangeError('async nope');
  },
  asyncRejectSync: async () => {
    throw new Error('sync async reject');
  },
  neverSettles: () => new Promise(() => {}),
  slowSettles: () => new Promise((resolve) => setTimeout(() => resolve(7), 5000)),
  settlesIn: (ms) => new Promise((resolve) => setTimeout(() => resolve(ms), ms)),
  worker: (n) =>
    new Promise((resolve, reject) => {
      const { Worker } = require('worker_threads');
      const w = new Worker(
        'const { parentPort, workerData } = require("worker_threads"); parentPort.postMessage(workerData * 2);',
        {
          eval: true,
          workerData: n,
        },
      );
      w.once('message', (v) => {
        resolve(v);
        w.terminate();
      });
      w.once('error', reject);
    }),

  startTimer: () => {
    timers.push(setInterval(() => timerCount++, 10));
    return 1;
  },
  stopTimers: () => {
    timers.splice(0).forEach(clearInterval);
    return 1;
  },
  timerCount: () => timerCount,

  startServer: () =>
    new Promise((resolve, reject) => {
      server = http.createServer((req, res) => {
        hits++;
        res.end(`hello from ${req.url}`);
      });
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server.address().port));
    }),
  hits: () => hits,

  listenSignals: () => {
    process.on('SIGINT', () => sigints++);
    process.on('SIGTERM', () => sigints++);
    process.on('SIGUSR1', () => sigints++);
    return 1;
  },
  sigints: () => sigints,
  chdir: () => {
    try {
      process.chdir('/');
      return 'changed';
    } catch (e) {
      return `refused: ${e.code || e.message}`;
    }
  },
  loadAddon: (path) => require(path).triple(14),
  fetchText: async (url) => (await fetch(url)).text(),
  fsRead: async (path) => (await require('fs').promises.readFile(path, 'utf8')).length,
};
