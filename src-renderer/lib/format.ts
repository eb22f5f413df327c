/** Plain-words formatting shared by the panels. */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `95` -> `1 min 35 s`; `null` -> `—`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** Cross-entropy in nats per character -> bits per character (what people compare char models by). */
export function natsToBits(nats: number): number {
  return nats / Math.LN2;
}

export function formatBits(bits: number | null | undefined): string {
  return bits === null || bits === undefined || !Number.isFinite(bits) ? '—' : `${bits.toFixed(2)} bits/char`;
}

/** A model's approximate size on disk: float32 weights. */
export function modelBytes(parameters: number): number {
  return parameters * 4;
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** Epoch milliseconds -> `14:05:09`. */
export function formatClock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
