// Visible errors: every failed request lands in the error list at the top of
// the page, with the server's message and code, until dismissed.
import { ApiError } from "./api";
import { h } from "./dom";

const MAX_ERRORS = 6;

function box(): HTMLElement {
  return document.getElementById("errors") as HTMLElement;
}

export function describe(err: unknown): string {
  if (err instanceof ApiError) {
    const where = `${err.method} ${err.path}`;
    const status = err.status ? `${err.status} ${err.code}` : err.code;
    return `${err.message} (${status}; ${where})`;
  }
  return err instanceof Error ? err.message : String(err);
}

export function showError(context: string, err: unknown): void {
  const list = box();
  const code = err instanceof ApiError ? err.code : "error";
  const item = h(
    "div",
    { class: "error", role: "alert", "data-testid": "error", "data-code": code },
    h("strong", {}, context, ": "),
    h("span", { class: "error-text" }, describe(err)),
    h(
      "button",
      { class: "dismiss", type: "button", title: "Dismiss", "aria-label": "Dismiss", onclick: () => item.remove() },
      "×",
    ),
  );
  list.prepend(item);
  while (list.children.length > MAX_ERRORS) list.lastElementChild?.remove();
  console.error(context, err);
}

export function clearErrors(): void {
  box().replaceChildren();
}
