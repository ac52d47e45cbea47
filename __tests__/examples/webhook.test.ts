/* examples/webhook end to end in the in-process harness: POST while a capture runs, and see the events
   come out with their fields extracted (one extract_fields call per field, as libsinsp does). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import webhook from '../../examples/webhook/webhook';
import { PluginHarness, type CapturedEvent, type PluginState } from 'falco-plugin-sdk/testing';
import { keepAliveAgent, send } from '../prebuilts/helpers/http-client';

const TOKEN = 'example-token-0123456789';
const config = JSON.stringify({ port: 0, auth: { type: 'token', token: TOKEN }, batchTimeoutMs: 5 });
const auth = { authorization: `Bearer ${TOKEN}` };

/** The URL the plugin logged at open. */
function listeningUrl(harness: PluginHarness): string {
  const line = harness.logs.map((l) => l.message).find((m) => m.startsWith('webhook listening on '));
  if (!line) throw new Error(`the plugin did not log its URL: ${JSON.stringify(harness.logs)}`);
  return line.slice('webhook listening on '.length);
}

describe('examples/webhook in the harness', () => {
  let harness: PluginHarness;
  let state: PluginState;

  beforeEach(async () => {
    harness = new PluginHarness(webhook);
    state = await harness.init(config);
  });
  afterEach(async () => {
    await state.destroy();
  });

  it('turns requests POSTed during a capture into events with extracted fields', async () => {
    const capture = await state.open();
    const url = listeningUrl(harness);
    const agent = keepAliveAgent(8);
    const users = Array.from({ length: 200 }, (_, i) => `user${i}`);
    const sending = Promise.all(
      users.map((user, i) =>
        send(
          url,
          JSON.stringify({
            action: i % 2 ? 'login' : 'logout',
            outcome: 'failure',
            user,
            meta: { attempt: i },
          }),
          {
            agent,
            headers: auth,
          },
        ),
      ),
    );
    const rows: {
      user: unknown;
      action: unknown;
      attempt: unknown;
      keys: unknown;
      size: unknown;
      info: string;
    }[] = [];
    for await (const event of capture.events({ maxEvents: users.length })) {
      rows.push({
        user: state.extract(event, 'webhook.value[/user]'),
        action: state.extract(event, 'webhook.value[/action]'),
        attempt: state.extract(event, 'webhook.value[/meta/attempt]'),
        keys: state.extract(event, 'webhook.keys'),
        size: state.extract(event, 'webhook.size'),
        info: state.eventToString(event),
      });
    }
    const answers = await sending;
    agent.destroy();
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(rows.map((r) => r.user).sort()).toEqual([...users].sort());
    const seventh = rows.find((r) => r.user === 'user7');
    expect(seventh).toMatchObject({
      action: 'login',
      attempt: '7',
      keys: ['action', 'outcome', 'user', 'meta'],
    });
    expect(seventh?.size).toBe(BigInt(Buffer.byteLength(seventh?.info ?? '')));
    await capture.close();
    expect(harness.logs.map((l) => l.message)).toContain(
      'webhook closed: 200 requests, 200 accepted, 0 rejected, 200 events, 0 dropped at close',
    );
    await expect(send(url, '{}', { headers: auth })).rejects.toThrow(/ECONNREFUSED/); // the port is free again
  });

  it('refuses unauthenticated and malformed requests: they never become events', async () => {
    const capture = await state.open();
    const url = listeningUrl(harness);
    expect((await send(url, '{"user":"mallory"}')).status).toBe(401);
    expect(
      (await send(url, '{"user":"mallory"}', { headers: { authorization: 'Bearer not-the-token-at-all' } }))
        .status,
    ).toBe(403);
    expect((await send(url, '{"user":', { headers: auth })).status).toBe(400);
    const bob = send(url, '{"user":"bob"}', { headers: auth }); // answered once the capture takes it
    const events: CapturedEvent[] = [];
    for await (const event of capture.events({ maxEvents: 1 })) events.push(event);
    expect(await bob).toMatchObject({ status: 200, json: { delivered: 1 } });
    expect(state.extract(events[0], 'webhook.value[/user]')).toBe('bob');
    expect(state.extract(events[0], 'webhook.value[/missing]')).toBeUndefined();
    const metric = (name: string) => state.metrics().find((m) => m.name === `webhook.webhook_${name}`);
    expect(metric('requests_received')).toEqual({
      name: 'webhook.webhook_requests_received',
      type: 'monotonic',
      valueType: 'uint64',
      value: 4,
    });
    expect([metric('requests_accepted')?.value, metric('requests_rejected')?.value]).toEqual([1, 3]);
    expect(metric('events_queued')?.value).toBe(1);
    expect(() => state.extract(events[0], 'webhook.value[user]')).toThrow(
      'extract_fields failed: cannot extract webhook.value[user] from event 1: invalid argument: "user" is not a JSON pointer: it must start with "/", e.g. /user/name',
    );
    // said once: the same mistyped pointer gives no value from then on
    expect(state.extract(events[0], 'webhook.value[user]')).toBeUndefined();
    await capture.close();
  });

  it('validates its config against the generated schema, naming the key', async () => {
    await expect(harness.init('{"port":"8765"}')).rejects.toThrow(/init failed: .*port.*must be integer/);
    await expect(harness.init('{"auth":{"type":"token","token":"short"}}')).rejects.toThrow(
      'init failed: error in plugin webhook init config: In <root>[auth][token], must NOT have fewer than 16 characters',
    );
    // a token without type would leave the webhook open: the plugin's own parse refuses it
    await expect(harness.init('{"auth":{"token":"0123456789abcdef"}}')).rejects.toThrow(
      'init failed: invalid init config: auth.token: set, but type is "none": set type: token',
    );
    const schema = JSON.parse(webhook.initSchemaJson) as {
      properties: Record<string, { default?: unknown }>;
    };
    expect(schema.properties.listenAddress.default).toBe('127.0.0.1');
    expect(schema.properties.acknowledge.default).toBe('delivered');
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'listenAddress',
        'port',
        'path',
        'auth',
        'tls',
        'maxBodyBytes',
        'maxQueue',
        'acknowledge',
        'batchTimeoutMs',
        'batchSize',
      ]),
    );
  });

  it('fails open with a clear message when the port is taken', async () => {
    const first = await state.open();
    const port = new URL(listeningUrl(harness)).port;
    const other = await harness.init(JSON.stringify({ port: Number(port) }));
    await expect(other.open()).rejects.toThrow(
      `open failed: webhook: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`,
    );
    await other.destroy();
    await first.close();
  });

  it('the sample rules only use fields the plugin declares, and they extract from a sample event', async () => {
    const rules = readFileSync(join(__dirname, '../../examples/webhook/webhook_rules.yaml'), 'utf8');
    const conditionsAndOutputs = rules.replace(/^\s*#.*$/gm, '');
    const used = [...new Set(conditionsAndOutputs.match(/webhook\.[a-z_]+(\[[^\]]*\])?/g) ?? [])];
    expect(used.length).toBeGreaterThanOrEqual(5);
    const declared = harness.fields.map((f) => f.name);
    for (const name of used) expect(declared).toContain(name.replace(/\[.*$/, ''));
    const capture = await state.open();
    const body = '{"action":"login","outcome":"failure","user":"alice","ip":"203.0.113.7","app":"crm"}';
    const answer = send(listeningUrl(harness), body, { headers: auth });
    const [event] = await (async () => {
      const got: CapturedEvent[] = [];
      for await (const e of capture.events({ maxEvents: 1 })) got.push(e);
      return got;
    })();
    expect((await answer).status).toBe(200);
    const values = Object.fromEntries(used.map((name) => [name, state.extract(event, name)]));
    expect(values).toMatchObject({
      'webhook.value[/action]': 'login',
      'webhook.value[/outcome]': 'failure',
      'webhook.value[/user]': 'alice',
      'webhook.value[/ip]': '203.0.113.7',
      'webhook.value[/app]': 'crm',
      'webhook.size': BigInt(body.length),
    });
    await capture.close();
  });
});
