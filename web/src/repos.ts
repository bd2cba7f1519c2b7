// One card per repository: totals, the drift of the last check, state and
// the degraded badge, the last operation, and the Check / Sync / Repair
// actions (checks and repairs are jobs, polled until they end).
import { api, ApiError, Drift, Job, repoPath, RepositorySummary } from "./api";
import { append, formatBytes, formatCount, formatTime, h, setText } from "./dom";
import { describe, showError } from "./notify";

const POLL_MS = 400;
const PREVIEW_ITEMS = 50;

export interface CardHooks {
  // A job or request changed the repository: reload what depends on it.
  changed(name: string): void;
}

// Asks for a job and polls it until it ends; `progress` sees each state.
export async function runJob(
  path: string,
  body: unknown,
  progress: (job: Job) => void,
  alive: () => boolean,
): Promise<Job> {
  let job = await api<Job>("POST", path, body);
  progress(job);
  while (job.status === "queued" || job.status === "running") {
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (!alive()) return job;
    job = await api<Job>("GET", `/api/v1/jobs/${encodeURIComponent(String(job.id))}`);
    progress(job);
  }
  return job;
}

interface Metric {
  key: string;
  label: string;
  tone: string;
}

const METRICS: Metric[] = [
  { key: "files", label: "Total Images", tone: "blue" },
  { key: "synced", label: "Synced", tone: "green" },
  { key: "orphaned", label: "Orphaned Files", tone: "orange" },
  { key: "missing", label: "Missing Records", tone: "red" },
  { key: "modified", label: "Modified", tone: "purple" },
];

interface RepairPlan {
  adopt?: string[];
  remove_objects?: string[];
  drop_records?: string[];
  refresh?: string[];
  deferred?: string[];
  deferred_reason?: string;
}

const PLAN_PARTS: { key: keyof RepairPlan; label: string }[] = [
  { key: "adopt", label: "adopt (catalog orphaned files)" },
  { key: "remove_objects", label: "delete from storage" },
  { key: "drop_records", label: "drop records of missing files" },
  { key: "refresh", label: "rewrite records of modified files" },
  { key: "deferred", label: "deferred" },
];

// file:// URLs come percent-encoded; show the path as a person wrote it.
function displayUrl(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

function time(d: Drift | null): number {
  const t = d?.checked_at ? Date.parse(d.checked_at) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

// The newer of the server's drift and the page's own, the server's on a tie.
function newer(server: Drift | null, local: Drift | null): Drift | null {
  if (!local) return server;
  if (!server) return local;
  return time(local) > time(server) ? local : server;
}

function driftOf(totals: any, at: string | null | undefined): Drift | null {
  if (!totals || typeof totals !== "object") return null;
  return {
    checked_at: at || new Date().toISOString(),
    orphaned: totals.orphaned ?? 0,
    missing: totals.missing ?? 0,
    modified: totals.modified ?? 0,
    synced: totals.synced ?? 0,
    errors: totals.errors ?? 0,
  };
}

function planCount(plan: RepairPlan): number {
  return (["adopt", "remove_objects", "drop_records", "refresh"] as const).reduce(
    (n, k) => n + (plan[k]?.length ?? 0),
    0,
  );
}

export class RepoCard {
  readonly el: HTMLElement;
  private summary: RepositorySummary;
  private readonly values = new Map<string, HTMLElement>();
  private readonly stateBadge: HTMLElement;
  private readonly degradedBadge: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly checkedAt: HTMLElement;
  private readonly bytes: HTMLElement;
  private readonly lastOp: HTMLElement;
  private readonly jobStatus: HTMLElement;
  private readonly preview: HTMLElement;
  private readonly buttons: HTMLButtonElement[] = [];
  private readonly orphanedSel: HTMLSelectElement;
  private readonly missingSel: HTMLSelectElement;
  private readonly modifiedBox: HTMLInputElement;
  private readonly forceBox: HTMLInputElement;
  private busy = false;
  private removed = false;
  // The totals of the last check or repair this page ran, for the moment
  // between its job ending and the summary's drift catching up.
  private localDrift: Drift | null = null;

  constructor(
    summary: RepositorySummary,
    private readonly hooks: CardHooks,
  ) {
    this.summary = summary;
    const name = summary.name;
    const id = (s: string) => `repo-${name.replace(/[^A-Za-z0-9_-]/g, "_")}-${s}`;

    this.stateBadge = h("span", { class: "badge", "data-testid": "state" });
    this.degradedBadge = h("span", { class: "badge badge-degraded", "data-testid": "degraded", hidden: true });
    this.meta = h("div", { class: "meta", "data-testid": "meta" });
    this.checkedAt = h("div", { class: "checked-at", "data-testid": "checked-at" });
    this.bytes = h("span", { "data-testid": "bytes" });
    this.lastOp = h("div", { class: "last-op", "data-testid": "last-operation" });
    this.jobStatus = h("div", { class: "job-status", "data-testid": "job-status", "aria-live": "polite" });
    this.preview = h("div", { class: "repair-preview", "data-testid": "repair-preview", hidden: true });

    const metrics = h(
      "div",
      { class: "metrics" },
      METRICS.map((m) => {
        const value = h("div", { class: "metric-value", "data-testid": m.key }, "—");
        this.values.set(m.key, value);
        return h(
          "div",
          { class: `metric tone-${m.tone}`, "data-metric": m.key },
          value,
          h("div", { class: "metric-label" }, m.label),
        );
      }),
    );

    const button = (testid: string, label: string, title: string, onclick: () => void, cls = "") => {
      const b = h("button", { type: "button", class: `btn ${cls}`, "data-testid": testid, title, onclick }, label);
      this.buttons.push(b);
      return b;
    };

    this.orphanedSel = h(
      "select",
      { id: id("orphaned"), "data-testid": "repair-orphaned" },
      h("option", { value: "adopt" }, "adopt"),
      h("option", { value: "remove" }, "remove from storage"),
      h("option", { value: "leave", selected: true }, "leave"),
    );
    this.missingSel = h(
      "select",
      { id: id("missing"), "data-testid": "repair-missing" },
      h("option", { value: "drop", selected: true }, "drop records"),
      h("option", { value: "keep" }, "keep records"),
    );
    this.modifiedBox = h("input", { type: "checkbox", id: id("modified"), "data-testid": "repair-update-modified" });
    this.forceBox = h("input", { type: "checkbox", id: id("force"), "data-testid": "repair-force" });

    this.el = h(
      "article",
      { class: "card", "data-testid": "repo-card", "data-repo": name },
      h(
        "header",
        { class: "card-head" },
        h("h3", { class: "repo-name", title: name }, name),
        this.stateBadge,
        this.degradedBadge,
      ),
      this.meta,
      metrics,
      h("div", { class: "subline" }, h("span", {}, "Size: ", this.bytes), this.checkedAt),
      this.lastOp,
      h(
        "div",
        { class: "actions" },
        button("check", "Check", "Compare storage and the catalog (read-only)", () => void this.check(), "primary"),
        button("sync", "Sync", "Reconcile the catalog with storage now", () => void this.sync()),
        button(
          "repair",
          "Repair…",
          "Preview a repair under the policy below (dry run), then confirm",
          () => void this.previewRepair(),
          "warn",
        ),
      ),
      h(
        "details",
        { class: "repair-options", "data-testid": "repair-options" },
        h("summary", {}, "Repair policy"),
        h("label", { for: id("orphaned") }, "Orphaned files (only on storage): "),
        this.orphanedSel,
        h("br"),
        h("label", { for: id("missing") }, "Missing files (only in the catalog): "),
        this.missingSel,
        h("br"),
        h("label", {}, this.modifiedBox, " rewrite records of modified files"),
        h("br"),
        h("label", {}, this.forceBox, " force removals above the mass-removal threshold"),
      ),
      this.jobStatus,
      this.preview,
    );
    this.update(summary);
  }

  get name(): string {
    return this.summary.name;
  }

  get layout(): string | null | undefined {
    return this.summary.layout;
  }

  remove(): void {
    this.removed = true;
    this.el.remove();
  }

  update(s: RepositorySummary): void {
    this.summary = s;
    const drift = newer(s.drift ?? null, this.localDrift);
    const counts: Record<string, number | undefined> = {
      files: s.totals?.files,
      synced: drift?.synced,
      orphaned: drift?.orphaned,
      missing: drift?.missing,
      modified: drift?.modified,
    };
    for (const [key, el] of this.values) {
      const v = counts[key];
      setText(el, formatCount(v));
      if (v === undefined || v === null) el.removeAttribute("data-value");
      else el.setAttribute("data-value", String(v));
      el.parentElement?.classList.toggle("nonzero", !!v && key !== "files" && key !== "synced");
    }
    setText(this.bytes, formatBytes(s.totals?.bytes));
    this.bytes.setAttribute("data-value", String(s.totals?.bytes ?? ""));

    const state = s.detached ? "detached" : s.state || "unknown";
    setText(this.stateBadge, state);
    this.stateBadge.className = `badge state-${state}`;
    this.stateBadge.title = s.state_reason || state;
    this.el.dataset.state = state;
    this.el.dataset.degraded = String(!!s.degraded);
    this.el.classList.toggle("degraded", !!s.degraded);
    this.degradedBadge.hidden = !s.degraded;
    setText(
      this.degradedBadge,
      s.degraded ? `degraded: ${s.degraded_reason || s.state_reason || "no reason given"}` : "",
    );
    this.degradedBadge.title = s.degraded_reason || "";

    const bits = [displayUrl(s.url)];
    if (s.layout) bits.push(`layout ${s.layout}`);
    if (s.truth) bits.push(`truth: ${s.truth}`);
    if (s.totals?.missing) bits.push(`${formatCount(s.totals.missing)} records marked missing`);
    if (s.totals?.offline) bits.push(`${formatCount(s.totals.offline)} offline`);
    setText(this.meta, bits.join(" · "));
    this.meta.title = s.url;

    if (drift) {
      const errs = drift.errors ? ` · ${formatCount(drift.errors)} errors` : "";
      setText(this.checkedAt, `Checked ${formatTime(drift.checked_at)}${errs}`);
      this.checkedAt.title = drift.checked_at ?? "";
    } else {
      setText(this.checkedAt, "Not checked since the server started: press Check");
      this.checkedAt.title = "";
    }

    const op = s.last_operation;
    if (op) {
      const c = op.counters ?? {};
      const counters = ["added", "updated", "moved", "removed", "errors"]
        .filter((k) => c[k])
        .map((k) => `${k} ${formatCount(c[k])}`)
        .join(", ");
      setText(
        this.lastOp,
        `Last operation: ${op.type} ${op.status} ${formatTime(op.end_time || op.start_time)}` +
          (counters ? ` (${counters})` : "") +
          (op.error_message ? ` — ${op.error_message}` : ""),
      );
      this.lastOp.dataset.status = op.status;
    } else {
      setText(this.lastOp, "Last operation: none yet");
      delete this.lastOp.dataset.status;
    }
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    for (const b of this.buttons) b.disabled = busy;
    this.el.classList.toggle("busy", busy);
  }

  private status(text: string, kind: "info" | "ok" | "error" | "running" = "info"): void {
    setText(this.jobStatus, text);
    this.jobStatus.dataset.kind = kind;
  }

  private jobProgress(label: string): (job: Job) => void {
    return (job) => {
      this.jobStatus.dataset.job = String(job.id);
      this.jobStatus.dataset.jobStatus = job.status;
      this.status(`${label} (job ${job.id}): ${job.status}…`, "running");
    };
  }

  private async reload(): Promise<void> {
    try {
      this.update(await api<RepositorySummary>("GET", repoPath(this.name)));
    } catch (e) {
      showError(`Reloading ${this.name}`, e);
    }
    this.hooks.changed(this.name);
  }

  async check(): Promise<void> {
    if (this.busy) return;
    this.setBusy(true);
    this.hidePreview();
    try {
      const job = await runJob(`${repoPath(this.name)}/checks`, {}, this.jobProgress("Check"), () => !this.removed);
      if (job.status === "succeeded") {
        this.localDrift = driftOf(job.result?.totals, job.finished_at);
        const t = job.result?.totals ?? {};
        const clean = !t.orphaned && !t.missing && !t.modified && !t.errors;
        this.status(
          clean
            ? `Check: in step (${formatCount(t.synced)} synced)`
            : `Check: ${formatCount(t.orphaned)} orphaned, ${formatCount(t.missing)} missing, ` +
                `${formatCount(t.modified)} modified, ${formatCount(t.errors)} errors`,
          clean ? "ok" : "info",
        );
      } else if (job.status === "failed") {
        this.status(`Check failed: ${job.error || "no reason given"}`, "error");
      }
      await this.reload();
    } catch (e) {
      this.status(`Check: ${describe(e)}`, "error");
      showError(`Check ${this.name}`, e);
    } finally {
      this.setBusy(false);
    }
  }

  async sync(): Promise<void> {
    if (this.busy) return;
    this.setBusy(true);
    try {
      const res = await api<{ request?: { id?: number } }>("POST", `${repoPath(this.name)}/sync`, {});
      const id = res?.request?.id;
      this.status(`Sync requested${id !== undefined ? ` (request ${id})` : ""}; the card refreshes when it ends`, "ok");
      // The BulkOperationCompleted event refreshes the list; this is the
      // fallback for a page whose event stream is down.
      setTimeout(() => void this.reload(), 1500);
    } catch (e) {
      this.status(`Sync: ${describe(e)}`, "error");
      showError(`Sync ${this.name}`, e);
    } finally {
      this.setBusy(false);
    }
  }

  private repairBody(dryRun: boolean): Record<string, unknown> {
    return {
      orphaned: this.orphanedSel.value,
      missing: this.missingSel.value,
      update_modified: this.modifiedBox.checked,
      force: this.forceBox.checked,
      dry_run: dryRun,
    };
  }

  private hidePreview(): void {
    this.preview.hidden = true;
    this.preview.replaceChildren();
  }

  async previewRepair(): Promise<void> {
    if (this.busy) return;
    this.setBusy(true);
    this.hidePreview();
    const body = this.repairBody(true);
    try {
      const job = await runJob(
        `${repoPath(this.name)}/repairs`,
        body,
        this.jobProgress("Repair preview"),
        () => !this.removed,
      );
      if (job.status !== "succeeded") {
        this.status(`Repair preview failed: ${job.error || "no reason given"}`, "error");
        return;
      }
      const plan: RepairPlan = job.result?.plan ?? {};
      const n = planCount(plan);
      this.status(
        n ? `Repair preview: ${n} change(s) planned; confirm below` : "Repair preview: nothing to do",
        n ? "info" : "ok",
      );
      this.showPreview(plan, job.result, body);
    } catch (e) {
      this.status(`Repair preview: ${describe(e)}`, "error");
      showError(`Repair preview of ${this.name}`, e);
    } finally {
      this.setBusy(false);
    }
  }

  private showPreview(plan: RepairPlan, result: any, body: Record<string, unknown>): void {
    const n = planCount(plan);
    const parts = PLAN_PARTS.map(({ key, label }) => {
      const items = (plan[key] as string[] | undefined) ?? [];
      return h(
        "li",
        { "data-testid": `plan-${key}`, "data-count": items.length, class: items.length ? "" : "zero" },
        h("span", { class: "plan-count" }, formatCount(items.length)),
        ` ${label}`,
        items.length
          ? h(
              "details",
              {},
              h("summary", {}, "paths"),
              h(
                "ul",
                { class: "paths" },
                items.slice(0, PREVIEW_ITEMS).map((p) => h("li", {}, p)),
                items.length > PREVIEW_ITEMS
                  ? h("li", { class: "more" }, `… and ${items.length - PREVIEW_ITEMS} more`)
                  : null,
              ),
            )
          : null,
      );
    });
    const confirm = h(
      "button",
      {
        type: "button",
        class: "btn danger",
        "data-testid": "repair-confirm",
        disabled: n === 0,
        onclick: () => void this.confirmRepair(body),
      },
      "Confirm repair",
    );
    const cancel = h(
      "button",
      { type: "button", class: "btn", "data-testid": "repair-cancel", onclick: () => this.hidePreview() },
      "Cancel",
    );
    const policy = result?.policy
      ? `orphaned: ${result.policy.orphaned}, missing: ${result.policy.missing}, update modified: ${result.policy.update_modified ? "yes" : "no"}`
      : "";
    this.preview.replaceChildren();
    append(this.preview, [
      h("div", { class: "preview-title" }, "Dry run — nothing changed yet"),
      policy ? h("div", { class: "policy" }, policy) : null,
      h("ul", { class: "plan", "data-testid": "plan", "data-count": n }, parts),
      plan.deferred_reason
        ? h("div", { class: "deferred", "data-testid": "plan-deferred-reason" }, plan.deferred_reason)
        : null,
      h("div", { class: "actions" }, confirm, cancel),
    ]);
    this.preview.hidden = false;
  }

  async confirmRepair(body: Record<string, unknown>): Promise<void> {
    if (this.busy) return;
    this.setBusy(true);
    const real = { ...body, dry_run: false };
    try {
      const job = await runJob(`${repoPath(this.name)}/repairs`, real, this.jobProgress("Repair"), () => !this.removed);
      this.hidePreview();
      if (job.status === "succeeded") {
        const r = job.result ?? {};
        this.localDrift = driftOf(r.after, job.finished_at);
        const done = [
          r.adopted ? `adopted ${formatCount(r.adopted)}` : "",
          r.records_dropped ? `dropped ${formatCount(r.records_dropped)} records` : "",
          r.objects_removed ? `removed ${formatCount(r.objects_removed)} files from storage` : "",
          r.refreshed ? `refreshed ${formatCount(r.refreshed)}` : "",
          r.errors ? `${formatCount(r.errors)} errors` : "",
        ].filter(Boolean);
        const notes = [...(r.warnings ?? []), ...(r.skipped ?? []).map((x: unknown) => `skipped ${JSON.stringify(x)}`)];
        this.status(
          `Repair ${r.status ?? "done"}${done.length ? `: ${done.join(", ")}` : ""}${notes.length ? ` — ${notes.join("; ")}` : ""}`,
          r.status === "converged" ? "ok" : "info",
        );
      } else if (job.status === "failed") {
        this.status(`Repair failed: ${job.error || "no reason given"}`, "error");
      }
      await this.reload();
    } catch (e) {
      const hint =
        e instanceof ApiError && e.status === 403
          ? " (a repair that runs needs an admin token; paste one at the top)"
          : "";
      this.status(`Repair: ${describe(e)}${hint}`, "error");
      showError(`Repair ${this.name}`, e);
    } finally {
      this.setBusy(false);
    }
  }
}
