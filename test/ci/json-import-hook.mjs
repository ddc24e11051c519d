// @actions/workflow-parser imports its schema JSON without `with { type: 'json' }` (it targets bundlers), which
// Node refuses; this loader hook supplies the attribute for .json modules.
export async function load(url, context, nextLoad) {
  if (url.endsWith('.json')) {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
  }
  return nextLoad(url, context);
}
