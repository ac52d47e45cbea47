/** examples/github in the harness: GitHub-signed deliveries over loopback, their fields, redeliveries. */
import { createHmac } from 'node:crypto';
import { PluginHarness, type CapturedEvent } from 'falco-plugin-sdk/testing';
import type { WebhookSource } from 'falco-plugin-sdk/prebuilts';
import github from '../../examples/github/github';
import { send } from '../prebuilts/helpers/http-client';

const SECRET = 'a-github-webhook-secret';

function deliver(url: string, event: string, delivery: string, payload: object, secret = SECRET) {
  const body = JSON.stringify(payload);
  return send(url, body, {
    headers: {
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      'x-github-event': event,
      'x-github-delivery': delivery,
    },
  });
}

describe('examples/github', () => {
  it('takes signed deliveries once, with the event name, repository, sender and action as fields', async () => {
    const state = await new PluginHarness(github).init(JSON.stringify({ secret: SECRET, port: 0 }));
    const capture = await state.open();
    const { url } = capture.instance as WebhookSource;
    const publicized = deliver(url, 'repository', 'd-1', {
      action: 'publicized',
      repository: { full_name: 'acme/secret-sauce' },
      sender: { login: 'mallory' },
    });
    const events: CapturedEvent[] = [];
    for await (const event of capture.events({ maxEvents: 1 })) events.push(event);
    expect((await publicized).status).toBe(200);
    const fields = [
      'github.event',
      'github.action',
      'github.repo',
      'github.sender',
      'github.value[/sender/login]',
    ];
    expect(fields.map((f) => state.extract(events[0], f))).toEqual([
      'repository',
      'publicized',
      'acme/secret-sauce',
      'mallory',
      'mallory',
    ]);
    expect(state.eventToString(events[0])).toBe('repository acme/secret-sauce');
    // a redelivery of d-1 is answered without a second event; a forged signature is refused
    expect(await deliver(url, 'repository', 'd-1', { action: 'publicized' })).toMatchObject({
      status: 200,
      json: { duplicate: true },
    });
    expect((await deliver(url, 'member', 'd-2', { action: 'added' }, 'not-the-secret-at-all')).status).toBe(
      403,
    );
    await capture.close();
    await state.destroy();
  });

  it('refuses a config without a secret, naming the key', async () => {
    await expect(new PluginHarness(github).init('{"port":0}')).rejects.toThrow('secret');
  });
});
