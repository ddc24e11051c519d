/** Engine finding: a document that is not a List but carries `items`, which kubectl applies instead of it. */
export const LIST_CARRIER_RULE_ID = 'input-list-carrier';

/** Engine finding: kubectl and kustomize read the same bytes as different objects. */
export const READING_DIFFERS_RULE_ID = 'input-reading-differs';

/** The reader whose reading an `alternate` is. */
export const KUSTOMIZE_READER = 'kustomize';
