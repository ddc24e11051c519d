// Validates GitHub Actions workflows with GitHub's own parser (@actions/workflow-parser, ESM only, so the jest
// tests run it in this child process). Reads {"files": [{"name", "content"}]} on stdin and prints, per file, the
// parser's errors (schema and expression errors of parseWorkflow, then those of convertWorkflowTemplate) and the
// job ids it understood.
import { register } from 'node:module';

register('./json-import-hook.mjs', import.meta.url);
const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import('@actions/workflow-parser');

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { files } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const out = [];
for (const file of files) {
  const result = parseWorkflow(file, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  let jobs = [];
  if (result.value !== undefined) {
    const template = await convertWorkflowTemplate(result.context, result.value);
    errors.push(...(template.errors ?? []).map((e) => e.Message ?? e.message ?? String(e)));
    jobs = (template.jobs ?? []).map((j) => j.id?.value ?? j.id);
  }
  out.push({ name: file.name, errors: [...new Set(errors)], jobs });
}
process.stdout.write(JSON.stringify(out));
