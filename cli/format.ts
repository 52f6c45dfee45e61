/** What the CLI prints for a plan: text, Markdown and JSON, all from one grouped view (format/group.ts). */
export { formatPlan, type PlanFormat } from "./format/text";
export { formatMarkdown, MARKDOWN_LIMIT, type MarkdownMeta } from "./format/markdown";
export { formatJson } from "./format/json";
export { groupPlan, expandGroups, type GroupedPlan, type Entry, type ExpandedChange } from "./format/group";
export { displayOrder, summariseActions, summariseBatch } from "./format/shared";
