export type SideTab = 'generate' | 'training' | 'models' | 'reports';

export const PANE_LIMITS = { min: 180, max: 640 } as const;

/** Pane widths, the right-hand tab and the overlays (help sheet, export menu). */
export class Layout {
  #leftWidth = $state(260);
  #rightWidth = $state(380);
  #tab = $state<SideTab>('generate');
  #helpOpen = $state(false);
  #leftOpen = $state(true);

  get leftWidth(): number {
    return this.#leftWidth;
  }
  get rightWidth(): number {
    return this.#rightWidth;
  }
  get tab(): SideTab {
    return this.#tab;
  }
  get helpOpen(): boolean {
    return this.#helpOpen;
  }
  get leftOpen(): boolean {
    return this.#leftOpen;
  }

  showTab(tab: SideTab): void {
    this.#tab = tab;
  }

  resize(pane: 'left' | 'right', width: number): void {
    const clamped = Math.round(Math.min(PANE_LIMITS.max, Math.max(PANE_LIMITS.min, width)));
    if (pane === 'left') this.#leftWidth = clamped;
    else this.#rightWidth = clamped;
  }

  toggleHelp(open = !this.#helpOpen): void {
    this.#helpOpen = open;
  }

  toggleLeft(open = !this.#leftOpen): void {
    this.#leftOpen = open;
  }
}
