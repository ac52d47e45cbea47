/**
 * A Falco source plugin of GitHub webhooks: GitHub POSTs each event (a push, a repository made public, a
 * member added) signed with the webhook's secret; the plugin checks the signature, drops redeliveries,
 * and gives each event with GitHub's event name and delivery id, for rules on what happens in an
 * organization.
 */
import {
  BasePlugin,
  EventSourcing,
  FieldExtraction,
  fieldsWithContext,
  jsonValueField,
  registerPlugin,
  z,
  type EventReader,
  type PluginInfo,
} from 'falco-plugin-sdk';
import { githubWebhookConfig, openWebhookSource, type WebhookSource } from 'falco-plugin-sdk/prebuilts';

// #region config
/** Init config: the webhook's secret, and where it listens. */
export const GithubConfig = z.object({
  secret: z.string().min(16, 'the secret must be at least 16 characters').describe("The webhook's secret"),
  listenAddress: z.string().default('127.0.0.1').describe('The address to listen on'),
  port: z.number().int().min(0).max(65535).default(8765).describe('The port to listen on (0: any free one)'),
  path: z.string().default('/github').describe('The path GitHub POSTs to'),
});
// #endregion config

// #region delivery
/** One event as the webhook carries it: GitHub's headers and the payload. */
interface Delivery {
  readonly headers: {
    readonly 'x-github-event'?: string | null;
    readonly 'x-github-delivery'?: string | null;
  };
  readonly body: unknown;
}

const field = fieldsWithContext<Delivery>();
// #endregion delivery

// #region at
/** A string at a path of the payload, or undefined. */
function at(body: unknown, ...path: string[]): string | undefined {
  let value = body;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' ? value : undefined;
}
// #endregion at

export class GithubPlugin extends FieldExtraction(EventSourcing(BasePlugin.withConfig(GithubConfig))) {
  info(): PluginInfo {
    return {
      id: 999,
      name: 'github',
      description: 'GitHub webhook events',
      contact: 'https://github.com/falcosecurity/plugins',
      version: '0.1.0',
      eventSource: 'github',
    };
  }

  // #region open
  async open(): Promise<WebhookSource> {
    const { secret, ...listen } = this.config;
    const source = await openWebhookSource(githubWebhookConfig(secret, listen), {
      logger: this.logger,
      metrics: this.metrics,
    });
    this.logger.info(`github webhook listening on ${source.url}`);
    return source;
  }
  // #endregion open

  // #region fields
  override eventContext(event: EventReader): Delivery {
    return event.json<Delivery>();
  }

  fields() {
    return [
      field(
        {
          name: 'github.event',
          type: 'string',
          desc: 'The GitHub event name (push, repository, member, ...)',
        },
        (req) => req.context.headers['x-github-event'] ?? undefined,
      ),
      field(
        { name: 'github.delivery', type: 'string', desc: "GitHub's id of the delivery" },
        (req) => req.context.headers['x-github-delivery'] ?? undefined,
      ),
      field(
        {
          name: 'github.action',
          type: 'string',
          desc: 'The action of the event (publicized, added, deleted, ...)',
        },
        (req) => at(req.context.body, 'action'),
      ),
      field(
        { name: 'github.repo', type: 'string', desc: 'The full name of the repository (owner/name)' },
        (req) => at(req.context.body, 'repository', 'full_name'),
      ),
      field(
        { name: 'github.sender', type: 'string', desc: 'The login of the user who triggered the event' },
        (req) => at(req.context.body, 'sender', 'login'),
      ),
      jsonValueField<Delivery>(
        {
          name: 'github.value',
          desc: 'The value at a JSON pointer in the payload, e.g. github.value[/member/login]',
        },
        (req) => req.context.body,
      ),
    ];
  }
  // #endregion fields

  eventToString(event: EventReader): string {
    const { headers, body } = event.json<Delivery>();
    return `${headers['x-github-event'] ?? '?'} ${at(body, 'repository', 'full_name') ?? ''}`.trim();
  }
}

export default registerPlugin(GithubPlugin);
