/**
 * The numbers js-yaml's `parseEvents` gives event types and scalar styles (js-yaml exports no names for them), and
 * the YAML core tag prefix: shared by the kubectl constructor (yaml.ts), the kustomize reading (kyaml.ts) and the
 * line locator (locate.ts), which all walk the same events.
 */
export const EVENT_DOCUMENT = 1;
export const EVENT_SEQUENCE = 2;
export const EVENT_MAPPING = 3;
export const EVENT_SCALAR = 4;
export const EVENT_ALIAS = 5;
export const EVENT_POP = 6;

export const STYLE_PLAIN = 1;
export const STYLE_FLOW = 2;
export const STYLE_DOUBLE_QUOTED = 3;

export const YAML_TAG = 'tag:yaml.org,2002:';
