// The live feed: /api/v1/events over EventSource (which reconnects by
// itself and sends Last-Event-ID), newest first, capped.
import { eventsUrl } from "./api";
import { h, setText } from "./dom";

const MAX_LINES = 200;
const TYPES = ["ResourceChanged", "ResourceBatchChanged", "BulkOperationCompleted", "reset"];

export interface FeedHooks {
  event(type: string, data: any): void;
}

function summarize(type: string, d: any): string {
  if (!d || typeof d !== "object") return String(d ?? "");
  switch (type) {
    case "ResourceChanged":
      return `${d.repository ?? "?"}: ${d.resource} ${d.action}${d.path ? ` ${d.path}` : d.id !== undefined ? ` #${d.id}` : ""}`;
    case "ResourceBatchChanged":
      return `${d.repository ?? "?"}: ${d.resource}s +${d.created ?? 0} ~${d.updated ?? 0} -${d.deleted ?? 0}`;
    case "BulkOperationCompleted": {
      const op = d.operation ?? {};
      return `${d.repository ?? "?"}: ${op.type ?? "operation"} ${op.status ?? ""}`.trim();
    }
    case "reset":
      return d.reason ?? "the server dropped events; reloading";
    default:
      return JSON.stringify(d);
  }
}

export class EventFeed {
  private source: EventSource | null = null;
  private readonly list: HTMLElement;
  private readonly live: HTMLElement;
  private received = 0;

  constructor(
    root: HTMLElement,
    live: HTMLElement,
    private readonly hooks: FeedHooks,
  ) {
    this.live = live;
    this.list = h("ol", { class: "events", "data-testid": "events", reversed: true });
    root.replaceChildren(this.list);
    this.placeholder();
  }

  private placeholder(): void {
    if (!this.list.children.length) {
      this.list.append(h("li", { class: "empty", "data-testid": "events-empty" }, "Waiting for events…"));
    }
  }

  private setLive(state: "connecting" | "open" | "closed", text: string): void {
    this.live.dataset.state = state;
    setText(this.live, text);
  }

  connect(): void {
    this.source?.close();
    this.setLive("connecting", "connecting…");
    let src: EventSource;
    try {
      src = new EventSource(eventsUrl());
    } catch (e) {
      this.setLive("closed", `events unavailable: ${(e as Error).message}`);
      return;
    }
    this.source = src;
    src.onopen = () => this.setLive("open", "live");
    src.onerror = () => {
      // EventSource retries by itself unless the server refused (CLOSED).
      if (src.readyState === EventSource.CLOSED) {
        this.setLive("closed", "events: the server refused the stream (token?)");
      } else {
        this.setLive("connecting", "reconnecting…");
      }
    };
    for (const type of TYPES) {
      src.addEventListener(type, (ev) => this.onEvent(type, ev as MessageEvent));
    }
    src.onmessage = (ev) => this.onEvent("message", ev);
  }

  close(): void {
    this.source?.close();
    this.source = null;
    this.setLive("closed", "events: closed");
  }

  private onEvent(type: string, ev: MessageEvent): void {
    let data: any = ev.data;
    try {
      data = JSON.parse(ev.data);
    } catch {
      // Not JSON: shown as it came.
    }
    this.received++;
    this.list.querySelector("[data-testid=events-empty]")?.remove();
    const time = new Date().toISOString().slice(11, 19);
    const line = h(
      "li",
      {
        class: `event ev-${type}`,
        "data-testid": "event",
        "data-type": type,
        "data-id": ev.lastEventId || null,
        "data-repo": data?.repository ?? null,
      },
      h("time", {}, time),
      h("span", { class: "ev-type" }, type),
      h("span", { class: "ev-text" }, summarize(type, data)),
    );
    this.list.prepend(line);
    while (this.list.children.length > MAX_LINES) this.list.lastElementChild?.remove();
    this.list.dataset.count = String(this.received);
    this.hooks.event(type, data);
  }
}
