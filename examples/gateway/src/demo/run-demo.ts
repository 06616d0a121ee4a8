import { METRIC_CATALOG } from '@portcullis/metrics';
import { type BotReaction, DemoUser } from './demo-user';
import { DEMO_USERS, type DemoStack, startDemoStack } from './stack';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Keep everything running after the scenario and print the URLs. @default false */
  readonly serve?: boolean;
  /** Where the transcript goes. @default stdout */
  readonly write?: (line: string) => void;
}

/** One step of the scenario and whether the bot did what it should. */
export interface DemoStep {
  readonly title: string;
  readonly ok: boolean;
}

const plain = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * Runs the embedded demo: the whole stack on 127.0.0.1, a scripted scenario
 * over real HTTP, a transcript and the key metrics. Resolves to the process
 * exit code (0 when every step did what it should).
 */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  write('Portcullis reference gateway — embedded demo');
  write(
    'Starting a local Bot API server, the four example services and the gateway on 127.0.0.1…\n',
  );
  const stack = await startDemoStack();
  write(`Gateway on ${stack.gateway.url()} (metrics at ${stack.gateway.url()}/metrics)`);
  let steps: DemoStep[] = [];
  try {
    steps = await runScenario(stack, write);
    write('\nKey metrics from /metrics:');
    for (const line of await keyMetrics(stack)) write(`  ${line}`);
  } catch (error) {
    write(`\nThe demo stopped: ${(error as Error).message}`);
    steps.push({ title: 'scenario finished', ok: false });
  }
  const failed = steps.filter((step) => !step.ok);
  write(`\n${steps.length - failed.length} of ${steps.length} steps behaved as expected.`);
  for (const step of failed) write(`  ✗ ${step.title}`);

  if (options.serve) {
    const url = stack.gateway.url();
    write(
      `\nServing. Gateway ${url} — metrics ${url}/metrics — liveness ${url}/health — readiness ${url}/ready`,
    );
    write(`Local Bot API server ${stack.telegram.apiRoot}. Press Ctrl+C to stop.`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  }
  await stack.stop();
  return failed.length === 0 ? 0 : 1;
}

async function runScenario(stack: DemoStack, write: (line: string) => void): Promise<DemoStep[]> {
  const steps: DemoStep[] = [];
  const { bot } = stack.gateway;
  const busy = () =>
    bot.pipeline.inFlight > 0 ||
    bot.api.scheduler.depth > 0 ||
    stack.telegram.pendingUpdates.length > 0;
  const alice = new DemoUser(stack.telegram, DEMO_USERS.worker, busy);
  const bob = new DemoUser(stack.telegram, DEMO_USERS.admin, busy);
  const show = (who: string, action: string, reaction: BotReaction) => {
    write(`  ${who} → ${action}`);
    for (const message of reaction.messages)
      write(`    bot ← ${plain(message).split('\n').join('\n          ')}`);
    for (const answer of reaction.answers) write(`    bot ← (toast) ${answer}`);
    if (reaction.buttons.length > 0)
      write(`          [${reaction.buttons.map((b) => b.text).join('] [')}]`);
    return reaction;
  };
  const step = async (title: string, run: () => Promise<boolean>) => {
    write(`\n▶ ${title}`);
    const ok = await run();
    steps.push({ title, ok });
    if (!ok) write('  ✗ unexpected answer');
  };
  const said = (reaction: BotReaction, pattern: RegExp) =>
    reaction.messages.some((m) => pattern.test(plain(m)));

  await step('Alice registers with /start and shares her contact', async () => {
    const welcome = show('Alice', '/start', await alice.say('/start'));
    const done = show(
      'Alice',
      '(shares contact +41 79 123 45 67)',
      await alice.shareContact('+41791234567'),
    );
    return said(welcome, /share/i) && said(done, /registered|welcome/i);
  });

  let requestId = '';
  await step('Alice creates a service request through the whole conversation', async () => {
    show('Alice', '/request', await alice.say('/request'));
    show('Alice', '[Plumbing]', await alice.press(/plumbing/i));
    show(
      'Alice',
      'The sink in the 2nd floor kitchen leaks',
      await alice.say('The sink in the 2nd floor kitchen leaks'),
    );
    show('Alice', 'Building A, floor 2, kitchen', await alice.say('Building A, floor 2, kitchen'));
    show('Alice', '[High]', await alice.press(/high/i));
    const created = show('Alice', '[Confirm]', await alice.press(/confirm|submit|yes/i));
    requestId = /#?(\d+)/.exec(created.messages.map(plain).join(' '))?.[1] ?? '';
    return said(created, /created|submitted|request/i) && requestId !== '';
  });

  await step('Alice lists her requests', async () => {
    const list = show('Alice', '/myrequests', await alice.say('/myrequests'));
    return said(list, /pending/i);
  });

  await step('Alice looks at her shifts', async () => {
    const shifts = show('Alice', '/shifts', await alice.say('/shifts'));
    return said(shifts, /Building A/);
  });

  await step('Alice is refused /admin; Bob, an admin, approves her request', async () => {
    const refused = show('Alice', '/admin', await alice.say('/admin'));
    show('Bob', '/admin', await bob.say('/admin'));
    const approved = show('Bob', '[✅ approve request]', await bob.press(/^✅/));
    return (
      said(refused, /administrators only/i) &&
      (said(approved, /approved/i) || approved.answers.some((a) => /approved/i.test(a)))
    );
  });

  await step(
    'shifts-service goes down: Alice gets a friendly answer, then it recovers',
    async () => {
      await stack.stopService('shifts');
      const down = show('Alice', '/shifts (service down)', await alice.say('/shifts'));
      await stack.restartService('shifts');
      await new Promise((resolve) => setTimeout(resolve, 1200)); // the breaker's open period
      const back = show('Alice', '/shifts (service back)', await alice.say('/shifts'));
      return said(down, /unavailable|try again/i) && said(back, /Building A/);
    },
  );

  await step('Alice floods the bot: she is rate-limited with one friendly reply', async () => {
    let limited = 0;
    for (let index = 0; index < 30; index++) {
      const reaction = await alice.say(`hello ${index}`);
      limited += reaction.messages.filter((m) =>
        /slow down|too many|try again in/i.test(plain(m)),
      ).length;
    }
    write(`  Alice → 30 messages in a row`);
    write(`    bot ← ${limited} "slow down" repl${limited === 1 ? 'y' : 'ies'}`);
    return limited >= 1;
  });
  return steps;
}

/** A few lines of the exposition an operator would look at first. */
async function keyMetrics(stack: DemoStack): Promise<string[]> {
  const text = await (await fetch(`${stack.gateway.url()}/metrics`)).text();
  const prefix = stack.config.METRICS_PREFIX;
  const wanted = new Set(
    METRIC_CATALOG.filter((metric) =>
      /updates_(received|handled)|ratelimit_decisions|breaker_state|service_requests_total|business|webhook_requests/.test(
        metric.name,
      ),
    ).map((metric) => `${prefix}${metric.name}`),
  );
  return text
    .split('\n')
    .filter((line) => !line.startsWith('#') && wanted.has(line.split(/[{ ]/, 1)[0]!))
    .filter((line) => !line.endsWith(' 0'))
    .slice(0, 40);
}
