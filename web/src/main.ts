// The dashboard: repositories, the history, the live event feed and, for a
// repository with the cars layout, the car grid. Everything comes from
// docs/API.md on the page's own origin.
import "./style.css";

import { api, ApiError, getToken, RepositorySummary, setToken } from "./api";
import { CarsView } from "./cars";
import { h } from "./dom";
import { EventFeed } from "./events";
import { clearErrors, showError } from "./notify";
import { OperationsView } from "./operations";
import { RepoCard } from "./repos";

const FALLBACK_REFRESH_MS = 30000;

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
}

// Runs `fn` once, `ms` after the last call.
function debounce(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

class Dashboard {
  private readonly cards = new Map<string, RepoCard>();
  private readonly reposEl = byId("repos");
  private readonly ops = new OperationsView(byId("operations"));
  private readonly cars = new CarsView(byId("cars"));
  private readonly feed: EventFeed;
  private loadingRepos: Promise<void> | null = null;
  private reposAgain = false;

  readonly refreshReposSoon = debounce(() => void this.loadRepos(), 300);
  readonly refreshOpsSoon = debounce(() => void this.loadOps(), 300);
  readonly refreshCarsSoon = debounce(() => void this.loadCars(), 1000);

  constructor() {
    this.feed = new EventFeed(byId("feed"), byId("live"), {
      event: (type, data) => this.onEvent(type, data),
    });
  }

  start(): void {
    this.setupToken();
    byId("refresh").addEventListener("click", () => void this.loadAll());
    void this.loadAll();
    this.feed.connect();
    setInterval(() => void this.loadRepos(), FALLBACK_REFRESH_MS);
  }

  private setupToken(): void {
    const input = byId("token") as HTMLInputElement;
    const form = byId("token-form") as HTMLFormElement;
    const state = byId("token-state");
    const show = () => {
      state.textContent = getToken() ? "token set" : "no token";
      state.dataset.set = String(!!getToken());
    };
    input.value = getToken();
    show();
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      setToken(input.value.trim());
      show();
      clearErrors();
      this.feed.connect();
      void this.loadAll();
    });
    byId("token-clear").addEventListener("click", () => {
      input.value = "";
      setToken("");
      show();
      this.feed.connect();
      void this.loadAll();
    });
  }

  async loadAll(): Promise<void> {
    await Promise.all([this.loadRepos(), this.loadOps()]);
  }

  // One load at a time; a call during a load asks for one more after it.
  async loadRepos(): Promise<void> {
    if (this.loadingRepos) {
      this.reposAgain = true;
      return this.loadingRepos;
    }
    this.loadingRepos = (async () => {
      do {
        this.reposAgain = false;
        try {
          const res = await api<{ repositories: RepositorySummary[] }>("GET", "/api/v1/repositories");
          this.renderRepos(res?.repositories ?? []);
        } catch (e) {
          showError("Loading the repositories", e);
          this.reposEl.dataset.loaded = "error";
          if (e instanceof ApiError && (e.status === 401 || e.status === 403)) this.clearRepos(e.status);
        }
      } while (this.reposAgain);
    })();
    try {
      await this.loadingRepos;
    } finally {
      this.loadingRepos = null;
    }
  }

  // Without a token that may read, the cards of another token must go.
  private clearRepos(status: number): void {
    for (const card of this.cards.values()) card.remove();
    this.cards.clear();
    this.cars.show(false);
    this.carsLoaded = false;
    this.reposEl.replaceChildren(
      h(
        "p",
        { class: "empty", "data-testid": "needs-token" },
        status === 401
          ? "The server needs a token: paste one at the top and press Use."
          : "This token may not read the repositories.",
      ),
    );
  }

  private renderRepos(repos: RepositorySummary[]): void {
    const seen = new Set<string>();
    for (const r of repos) {
      seen.add(r.name);
      let card = this.cards.get(r.name);
      if (card) {
        card.update(r);
      } else {
        card = new RepoCard(r, {
          changed: () => {
            this.refreshOpsSoon();
            if (this.hasCars()) this.refreshCarsSoon();
          },
        });
        this.cards.set(r.name, card);
      }
      this.reposEl.append(card.el); // keeps the server's order
    }
    for (const [name, card] of this.cards) {
      if (!seen.has(name)) {
        card.remove();
        this.cards.delete(name);
      }
    }
    this.reposEl.querySelectorAll(".empty").forEach((el) => el.remove());
    if (!repos.length) {
      this.reposEl.append(
        h(
          "p",
          { class: "empty" },
          "No repository yet. Add one with ",
          h("code", {}, "tidemark repo add NAME PATH"),
          ".",
        ),
      );
    }
    this.reposEl.dataset.loaded = "true";
    this.reposEl.dataset.count = String(repos.length);
    const cars = this.hasCars();
    this.cars.show(cars);
    if (cars && !this.carsLoaded) void this.loadCars();
  }

  private carsLoaded = false;

  private hasCars(): boolean {
    for (const c of this.cards.values()) if (c.layout === "cars") return true;
    return false;
  }

  async loadCars(): Promise<void> {
    this.carsLoaded = true;
    try {
      await this.cars.load();
      byId("cars").dataset.loaded = "true";
    } catch (e) {
      showError("Loading the cars", e);
      byId("cars").dataset.loaded = "error";
    }
  }

  async loadOps(): Promise<void> {
    try {
      await this.ops.load();
      byId("operations").dataset.loaded = "true";
    } catch (e) {
      showError("Loading the history", e);
    }
  }

  private onEvent(type: string, data: any): void {
    const repo: string | undefined = data?.repository;
    const card = repo ? this.cards.get(repo) : undefined;
    switch (type) {
      case "BulkOperationCompleted":
        this.refreshReposSoon();
        this.refreshOpsSoon();
        if (this.hasCars()) this.refreshCarsSoon();
        break;
      case "ResourceChanged":
      case "ResourceBatchChanged":
        if (!card) this.refreshReposSoon();
        if (data?.resource === "operation") this.refreshOpsSoon();
        if (card?.layout === "cars" && data?.resource === "entity") this.refreshCarsSoon();
        break;
      case "reset":
        void this.loadAll();
        if (this.hasCars()) this.refreshCarsSoon();
        break;
    }
  }
}

function boot(): void {
  try {
    new Dashboard().start();
  } catch (e) {
    showError("Starting the dashboard", e);
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
