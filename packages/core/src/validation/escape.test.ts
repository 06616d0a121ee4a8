import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdownV2 } from './escape';

describe('escapeHtml', () => {
  it('turns the four HTML-special characters into entities', () => {
    expect(escapeHtml('<b>"Tom" & Jerry</b>')).toBe(
      '&lt;b&gt;&quot;Tom&quot; &amp; Jerry&lt;/b&gt;',
    );
  });

  it('never leaves a raw < > " in any text, and decoding gives the text back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const escaped = escapeHtml(text);
        expect(/[<>"]/.test(escaped)).toBe(false);
        const decoded = escaped
          .replaceAll('&lt;', '<')
          .replaceAll('&gt;', '>')
          .replaceAll('&quot;', '"')
          .replaceAll('&amp;', '&');
        expect(decoded).toBe(text);
      }),
    );
  });
});

describe('escapeMarkdownV2', () => {
  it('escapes every character the Bot API lists for MarkdownV2 text', () => {
    expect(escapeMarkdownV2('_*[]()~`>#+-=|{}.!\\')).toBe(
      '\\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!\\\\',
    );
    expect(escapeMarkdownV2('Price: 5.00 (net)!')).toBe('Price: 5\\.00 \\(net\\)\\!');
  });

  it('escapes only ` and \\ inside code, and only ) and \\ inside link URLs', () => {
    expect(escapeMarkdownV2('a_b `c` \\', 'code')).toBe('a_b \\`c\\` \\\\');
    expect(escapeMarkdownV2('https://x.y/a_(b)', 'link-url')).toBe('https://x.y/a_(b\\)');
  });

  it('leaves no special character unescaped, whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const escaped = escapeMarkdownV2(text);
        // Remove escaped pairs; what is left must contain no special character.
        const rest = escaped.replace(/\\[\s\S]/g, '');
        expect(/[_*[\]()~`>#+\-=|{}.!\\]/.test(rest)).toBe(false);
      }),
    );
  });
});
