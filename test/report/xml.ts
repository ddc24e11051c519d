/**
 * A strict XML 1.0 well-formedness check for the subset our reports use (declaration, elements, attributes,
 * text, the five entities and numeric character references): throws on the first problem.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

// Characters XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const INVALID_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*/;

function decode(raw: string, where: string): string {
  if (INVALID_CHAR.test(raw)) {
    throw new Error(`${where}: a character XML 1.0 does not allow`);
  }
  if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(raw)) {
    throw new Error(`${where}: an unescaped < or &`);
  }
  return raw.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    if (e.startsWith('#')) {
      const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      const c = String.fromCodePoint(code);
      if (INVALID_CHAR.test(c)) {
        throw new Error(`${where}: a character reference to a character XML 1.0 does not allow (${e})`);
      }
      return c;
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e]!;
  });
}

export function parseXml(xml: string): XmlElement {
  let i = 0;
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) {
      throw new Error('unterminated declaration');
    }
    i = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    if (xml[i] === '<') {
      if (xml.startsWith('</', i)) {
        const m = /^<\/([A-Za-z_][A-Za-z0-9_.:-]*)\s*>/.exec(xml.slice(i));
        if (!m) {
          throw new Error(`bad end tag at ${i}`);
        }
        const open = stack.pop();
        if (!open || open.name !== m[1]) {
          throw new Error(`</${m[1]}> does not close <${open?.name}>`);
        }
        i += m[0].length;
        continue;
      }
      const name = NAME.exec(xml.slice(i + 1));
      if (!name) {
        throw new Error(`bad tag at ${i}`);
      }
      i += 1 + name[0].length;
      const element: XmlElement = { name: name[0], attributes: {}, children: [], text: '' };
      for (;;) {
        const ws = /^\s*/.exec(xml.slice(i))![0];
        i += ws.length;
        if (xml.startsWith('/>', i) || xml[i] === '>') {
          break;
        }
        if (!ws) {
          throw new Error(`attributes of <${element.name}> must be separated by white space`);
        }
        const attr = /^([A-Za-z_][A-Za-z0-9_.:-]*)="([^"]*)"/.exec(xml.slice(i));
        if (!attr) {
          throw new Error(`bad attribute in <${element.name}> at ${i}: ${xml.slice(i, i + 40)}`);
        }
        if (attr[1] in element.attributes) {
          throw new Error(`duplicate attribute ${attr[1]} in <${element.name}>`);
        }
        element.attributes[attr[1]] = decode(attr[2], `attribute ${attr[1]} of <${element.name}>`);
        i += attr[0].length;
      }
      if (stack.length) {
        stack[stack.length - 1].children.push(element);
      } else if (root) {
        throw new Error('more than one root element');
      } else {
        root = element;
      }
      if (xml.startsWith('/>', i)) {
        i += 2;
      } else {
        i += 1;
        stack.push(element);
      }
    } else {
      const next = xml.indexOf('<', i);
      const raw = xml.slice(i, next < 0 ? xml.length : next);
      const text = decode(raw, `text in <${stack[stack.length - 1]?.name ?? '(top level)'}>`);
      if (stack.length) {
        stack[stack.length - 1].text += text;
      } else if (text.trim()) {
        throw new Error('text outside the root element');
      }
      i += raw.length;
    }
  }
  if (stack.length || !root) {
    throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  }
  return root;
}

/** Every descendant element named `name`. */
export function all(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((c) => [...(c.name === name ? [c] : []), ...all(c, name)]);
}
