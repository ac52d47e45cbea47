/**
 * The tests docs/walkthrough.md shows, run as shown: the example plugins (and the walkthrough's push
 * source, examples/ticker) in the in-process harness. The regions are the walkthrough's snippets.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WebhookSource } from 'falco-plugin-sdk/prebuilts';
// #region harness-imports
import { HarnessTables, PluginHarness, pluginEvent, type CapturedEvent } from 'falco-plugin-sdk/testing';
import dummy from '../../examples/dummy/dummy';
// #endregion harness-imports
import github from '../../examples/github/github';
import json from '../../examples/json/json';
import jsonl from '../../examples/jsonl/jsonl';
import counter from '../../examples/stateful/counter';
import peer from '../../examples/stateful/peer';
import webhook from '../../examples/webhook/webhook';
import ticker from '../../examples/ticker/ticker';

describe('the walkthrough: dummy', () => {
  // #region dummy-harness
  it('produces the samples, with their fields', async () => {
    const state = await new PluginHarness(dummy).init('{"jitter":0}');
    const rows = await state.run({
      open: '{"start":0,"maxEvents":6}',
      fields: ['dummy.value', 'dummy.strvalue', 'dummy.divisible[3]'],
    });
    await state.destroy();
    expect(rows.map((row) => row.fields['dummy.value'])).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    expect(rows[2].fields).toEqual({ 'dummy.value': 3n, 'dummy.strvalue': '3', 'dummy.divisible[3]': 1n });
    expect(rows[2].plugininfo).toBe('{"sample": "3"}');
  });
  // #endregion dummy-harness

  // #region dummy-errors
  it('refuses a bad config and a zero divisor, naming the problem', async () => {
    await expect(new PluginHarness(dummy).init('{"jitter":-1}')).rejects.toThrow(
      'error in plugin dummy init config: In <root>[jitter], must be >= 0',
    );
    const state = await new PluginHarness(dummy).init();
    const capture = await state.open('{"maxEvents":1}');
    const events: CapturedEvent[] = [];
    for await (const event of capture.events()) events.push(event);
    await capture.close();
    expect(() => state.extract(events[0], 'dummy.divisible[0]')).toThrow(/divisor must be greater than 0/);
    await state.destroy();
  });
  // #endregion dummy-errors
});

describe('the walkthrough: jsonl and json', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'walkthrough-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('jsonl gives one event per line of the file', async () => {
    // #region jsonl-harness
    const file = path.join(dir, 'audit.jsonl');
    writeFileSync(file, '{"user":{"name":"alice"},"action":"login"}\nnot json\n');
    const state = await new PluginHarness(jsonl).init();
    const rows = await state.run({ open: file, fields: ['jsonl.valid', 'jsonl.value[/user/name]'] });
    await state.destroy();
    expect(rows.map((row) => row.fields)).toEqual([
      { 'jsonl.valid': true, 'jsonl.value[/user/name]': 'alice' },
      { 'jsonl.valid': false, 'jsonl.value[/user/name]': undefined },
    ]);
    // #endregion jsonl-harness
  });

  it('json extracts from events it did not produce', async () => {
    // #region json-harness
    const state = await new PluginHarness(json).init();
    const event = pluginEvent('{"user":{"name":"alice"},"action":"write"}', { number: 1 });
    expect(state.extract(event, 'json.value[/user/name]')).toBe('alice');
    expect(state.extract(event, 'json.keys')).toEqual(['user', 'action']);
    expect(state.extract(pluginEvent('not json'), 'json.obj')).toBeUndefined();
    await state.destroy();
    // #endregion json-harness
  });
});

describe('the walkthrough: push sources and webhooks', () => {
  it('ticker turns an Observable into events, its completion into EOF', async () => {
    // #region ticker-harness
    const state = await new PluginHarness(ticker).init();
    const rows = await state.run({ open: '{"periodMs":5,"count":3}', fields: ['ticker.tick'] });
    await state.destroy();
    expect(rows.map((row) => row.fields['ticker.tick'])).toEqual([0n, 1n, 2n]);
    // #endregion ticker-harness
  });

  it('webhook turns a POST into an event, answered once delivered', async () => {
    // #region webhook-harness
    const state = await new PluginHarness(webhook).init('{"port":0,"batchTimeoutMs":5}');
    const capture = await state.open();
    const { url } = capture.instance as WebhookSource; // port 0: the port the system chose
    const answer = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"action":"login","user":"alice"}',
    });
    const events: CapturedEvent[] = [];
    for await (const event of capture.events({ maxEvents: 1 })) events.push(event);
    expect((await answer).status).toBe(200); // sent once next_batch took the event
    expect(state.extract(events[0], 'webhook.value[/user]')).toBe('alice');
    expect(state.extract(events[0], 'webhook.keys')).toEqual(['action', 'user']);
    await capture.close();
    await state.destroy();
    // #endregion webhook-harness
  });

  it('github takes a signed delivery and refuses a forged one', async () => {
    // #region github-harness
    const secret = 'a-github-webhook-secret';
    const state = await new PluginHarness(github).init(JSON.stringify({ secret, port: 0 }));
    const capture = await state.open();
    const { url } = capture.instance as WebhookSource;
    const deliver = (body: string, key: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': `sha256=${createHmac('sha256', key).update(body).digest('hex')}`,
          'x-github-event': 'repository',
          'x-github-delivery': 'delivery-1',
        },
        body,
      });
    const body = '{"action":"publicized","repository":{"full_name":"acme/app"},"sender":{"login":"bob"}}';
    expect((await deliver(body, 'not-the-secret-at-all')).status).toBe(403);
    const answer = deliver(body, secret);
    const events: CapturedEvent[] = [];
    for await (const event of capture.events({ maxEvents: 1 })) events.push(event);
    expect((await answer).status).toBe(200);
    expect(['github.event', 'github.action', 'github.repo'].map((f) => state.extract(events[0], f))).toEqual([
      'repository',
      'publicized',
      'acme/app',
    ]);
    await capture.close();
    await state.destroy();
    // #endregion github-harness
  });
});

describe('the walkthrough: stateful', () => {
  it('the peer reads and extends the table the counter exports', async () => {
    // #region stateful-harness
    const tables = new HarnessTables(); // one set of host tables, shared by both plugins
    const counterState = await new PluginHarness(counter, { tables }).init('{"buckets":2}');
    const peerState = await new PluginHarness(peer, { tables }).init(); // after the counter, as in falco.yaml
    for (let n = 1; n <= 4; n++) {
      const event = pluginEvent(String(n), { number: n });
      counterState.parse(event, 'dummy'); // as libsinsp does: every parser, in load order
      peerState.parse(event, 'dummy');
    }
    expect(counterState.extract(pluginEvent('3'), 'counter.count')).toBe(2n);
    expect(peerState.extract(pluginEvent('3'), 'peer.total')).toBe(4n);
    expect(tables.dump('counts')).toEqual({
      size: 2,
      entries: [
        { key: '0', fields: { count: 2n, first: 2n, peer_seen: 2n } },
        { key: '1', fields: { count: 2n, first: 1n, peer_seen: 2n } },
      ],
    });
    await peerState.destroy();
    await counterState.destroy();
    // #endregion stateful-harness
  });
});
