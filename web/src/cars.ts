// Seed 000's cars (GET /api/cars on the repository with the cars layout):
// one tile per car with its 14 slots: the dealer slot, 8 buyout and 5
// dummies slots, each locked or empty and maybe used.
import { api, Car, Slot } from "./api";
import { formatCount, h, setText } from "./dom";

const GROUPS: { type: string; label: string; short: string }[] = [
  { type: "dealer", label: "Dealer", short: "D" },
  { type: "buyout", label: "Buyout", short: "B" },
  { type: "dummies", label: "Dummies", short: "M" },
];

function slotTitle(s: Slot): string {
  const lines = [
    `${s.slot_type} ${s.slot_index}: ${s.status}${s.is_used ? ", used" : ""}`,
    `${formatCount(s.file_count ?? 0)} files, ${(s.total_size_mb ?? 0).toFixed(2)} MB`,
  ];
  if (s.locked_by) lines.push(`locked by ${s.locked_by}`);
  if (s.disk_slot_path) lines.push(s.disk_slot_path);
  return lines.join("\n");
}

function slotTile(s: Slot, short: string): HTMLElement {
  const used = !!s.is_used;
  return h(
    "div",
    {
      class: `slot slot-${s.status}${used ? " slot-used" : ""}`,
      "data-testid": "slot",
      "data-status": s.status,
      "data-used": String(used),
      "data-slot-type": s.slot_type,
      "data-slot-index": s.slot_index,
      title: slotTitle(s),
    },
    h("span", { class: "slot-name" }, s.slot_type === "dealer" ? short : `${short}${s.slot_index}`),
    h(
      "span",
      { class: "slot-mark" },
      s.status === "locked" ? "lock" : used ? "used" : s.file_count ? String(s.file_count) : "",
    ),
  );
}

function carTile(car: Car): HTMLElement {
  const slots = [...(car.slots ?? [])].sort((a, b) => a.slot_index - b.slot_index);
  const locked = slots.filter((s) => s.status === "locked").length;
  const used = slots.filter((s) => s.is_used).length;
  return h(
    "div",
    {
      class: `car${car.deleted_at ? " car-deleted" : ""}`,
      "data-testid": "car",
      "data-car-id": car.id,
      "data-vin": car.vin,
      "data-region": car.region,
    },
    h("div", { class: "car-head" }, h("strong", {}, `${car.make} ${car.model}`), h("span", { class: "vin" }, car.vin)),
    h(
      "div",
      { class: "car-meta" },
      `${car.region} · ${formatCount(car.file_count ?? 0)} files · ${locked} locked · ${used} used`,
      car.deleted_at ? " · gone from storage" : "",
    ),
    GROUPS.map((g) => {
      const group = slots.filter((s) => s.slot_type === g.type);
      return h(
        "div",
        { class: "slot-group", "data-group": g.type },
        h("span", { class: "group-label" }, g.label),
        h(
          "div",
          { class: "slots" },
          group.map((s) => slotTile(s, g.short)),
        ),
      );
    }),
  );
}

export class CarsView {
  private readonly grid: HTMLElement;
  private readonly info: HTMLElement;
  private readonly region: HTMLSelectElement;
  private cars: Car[] = [];

  constructor(private readonly root: HTMLElement) {
    this.grid = h("div", { class: "car-grid", "data-testid": "car-grid" });
    this.info = h("span", { class: "cars-info", "data-testid": "cars-info" });
    this.region = h(
      "select",
      { "data-testid": "cars-region", onchange: () => this.render() },
      h("option", { value: "" }, "all regions"),
    );
    root.replaceChildren(
      h(
        "div",
        { class: "toolbar" },
        h("label", {}, "Region: ", this.region),
        this.info,
        h(
          "span",
          { class: "legend" },
          h("span", { class: "slot slot-empty mini" }),
          " empty ",
          h("span", { class: "slot slot-locked mini" }),
          " locked ",
          h("span", { class: "slot slot-empty slot-used mini" }),
          " used",
        ),
      ),
      this.grid,
    );
  }

  show(visible: boolean): void {
    this.root.closest("section")?.toggleAttribute("hidden", !visible);
  }

  async load(): Promise<void> {
    const res = await api<Car[] | { cars?: Car[]; data?: Car[] }>("GET", "/api/cars");
    this.cars = Array.isArray(res) ? res : (res?.cars ?? res?.data ?? []);
    const regions = [...new Set(this.cars.map((c) => c.region))].sort();
    const chosen = this.region.value;
    this.region.replaceChildren(
      h("option", { value: "" }, "all regions"),
      ...regions.map((r) => h("option", { value: r, selected: r === chosen }, r)),
    );
    this.render();
  }

  private render(): void {
    const region = this.region.value;
    const cars = this.cars.filter((c) => !region || c.region === region);
    const slots = cars.flatMap((c) => c.slots ?? []);
    setText(
      this.info,
      `${cars.length} car(s), ${slots.filter((s) => s.status === "locked").length} locked slot(s), ` +
        `${slots.filter((s) => s.is_used).length} used`,
    );
    this.grid.replaceChildren(...cars.map(carTile));
    if (!cars.length) this.grid.append(h("p", { class: "empty" }, "No cars on storage yet."));
  }
}
