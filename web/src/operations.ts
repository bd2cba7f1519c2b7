// The history: every repository's operations, newest first
// (GET /api/v1/operations), with the newest one spelled out above it.
import { api, Operation } from "./api";
import { formatCount, formatDuration, formatTime, h, setText } from "./dom";

const LIMIT = 50;

function counters(op: Operation): string {
  const c = op.counters ?? {};
  return Object.entries(c)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k} ${formatCount(v)}`)
    .join(", ");
}

export class OperationsView {
  private readonly body: HTMLElement;
  private readonly latest: HTMLElement;

  constructor(root: HTMLElement) {
    this.latest = h("p", { class: "latest", "data-testid": "last-operation-global" }, "Loading…");
    this.body = h("tbody", {});
    root.replaceChildren(
      this.latest,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "ops", "data-testid": "operations" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["#", "When", "Repository", "Type", "Status", "Duration", "Counters", "Worker"].map((t) =>
                h("th", {}, t),
              ),
            ),
          ),
          this.body,
        ),
      ),
    );
  }

  async load(): Promise<void> {
    const res = await api<{ operations: Operation[] }>("GET", `/api/v1/operations?limit=${LIMIT}`);
    this.render(res?.operations ?? []);
  }

  render(ops: Operation[]): void {
    const first = ops[0];
    if (first) {
      setText(
        this.latest,
        `Last operation: ${first.repository ?? "?"} — ${first.type} ${first.status} ` +
          `${formatTime(first.end_time || first.start_time)}` +
          (counters(first) ? ` (${counters(first)})` : "") +
          (first.error_message ? ` — ${first.error_message}` : ""),
      );
    } else {
      setText(this.latest, "No operation yet.");
    }
    this.body.replaceChildren(
      ...ops.map((op) =>
        h(
          "tr",
          { "data-testid": "operation", "data-id": op.id, "data-repo": op.repository ?? "", "data-status": op.status },
          h("td", {}, op.id),
          h("td", { title: op.start_time ?? "" }, formatTime(op.end_time || op.start_time)),
          h("td", {}, op.repository ?? ""),
          h("td", {}, op.type),
          h("td", {}, h("span", { class: `badge op-${op.status}` }, op.status)),
          h("td", {}, formatDuration(op.duration_ms)),
          h(
            "td",
            { class: "counters", title: op.error_message || "" },
            counters(op),
            op.error_message
              ? h("div", { class: op.status === "failed" ? "op-error" : "op-note" }, op.error_message)
              : null,
          ),
          h("td", { class: "worker" }, op.worker ?? ""),
        ),
      ),
    );
    if (!ops.length) {
      this.body.append(h("tr", {}, h("td", { colspan: 8, class: "empty" }, "Nothing has run yet.")));
    }
  }
}
