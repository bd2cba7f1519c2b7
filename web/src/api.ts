// The client side of docs/API.md: JSON over fetch, on the page's own origin,
// with the optional bearer token the user pasted (kept in localStorage).

const TOKEN_KEY = "tidemark.token";

export function getToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? "";
  } catch {
    return "";
  }
}

export function setToken(token: string): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage may be off (private mode); the token then lasts for the page.
  }
}

// An answer that was not 2xx, or no answer at all (status 0).
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch (e) {
    throw new ApiError(
      `the server does not answer (${(e as Error).message}); is tidemark serve running?`,
      0,
      "network",
      method,
      path,
    );
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      if (res.ok) {
        throw new ApiError(`the answer is not JSON: ${text.slice(0, 200)}`, res.status, "bad_reply", method, path);
      }
    }
  }
  if (!res.ok) {
    const err = (data ?? {}) as { error?: string; code?: string };
    const message = err.error || text.slice(0, 200) || res.statusText || `HTTP ${res.status}`;
    throw new ApiError(message, res.status, err.code || `http_${res.status}`, method, path);
  }
  return data as T;
}

export function repoPath(name: string): string {
  return `/api/v1/repositories/${encodeURIComponent(name)}`;
}

// EventSource cannot send headers, so the token goes in the query.
export function eventsUrl(): string {
  const token = getToken();
  return token ? `/api/v1/events?access_token=${encodeURIComponent(token)}` : "/api/v1/events";
}

// ---- shapes (docs/API.md) ----

export interface Operation {
  id: number;
  repository?: string;
  type: string;
  status: string;
  start_time?: string;
  end_time?: string | null;
  duration_ms?: number;
  error_message?: string;
  worker?: string;
  counters?: Record<string, number>;
}

export interface Drift {
  checked_at?: string;
  orphaned: number;
  missing: number;
  modified: number;
  synced: number;
  errors: number;
}

export interface RepositorySummary {
  name: string;
  url: string;
  state: string;
  state_reason?: string;
  detached?: boolean;
  layout?: string | null;
  truth?: string;
  totals?: { files: number; bytes: number; present?: number; missing?: number; offline?: number };
  last_operation?: Operation | null;
  watch?: Record<string, unknown> | null;
  drift?: Drift | null;
  degraded?: boolean;
  degraded_reason?: string;
}

export interface Job {
  id: number;
  kind: "check" | "repair";
  repository: string;
  status: "queued" | "running" | "succeeded" | "failed";
  created_at?: string;
  finished_at?: string | null;
  error?: string | null;
  result?: any;
}

export interface Slot {
  id: number;
  slot_type: string;
  slot_index: number;
  status: string;
  is_used: boolean;
  file_count?: number;
  total_size_mb?: number;
  locked_by?: string | null;
  locked_at?: string | null;
  disk_slot_path?: string;
}

export interface Car {
  id: number;
  region: string;
  make: string;
  model: string;
  vin: string;
  file_count?: number;
  total_size_mb?: number;
  deleted_at?: string | null;
  slots: Slot[];
}
