/** Where an inserted draft came from; it travels with the text as a Fountain note. */
export interface DraftProvenance {
  model: string;
  temperature: number;
  seed: number;
  /** When the draft was generated; ISO string or Date. */
  date: Date | string;
}

/** `[[Understudy draft: model "Noir", temperature 0.80, seed 42, 2026-11-27 09:15]]` */
export function formatProvenanceNote(provenance: DraftProvenance): string {
  const model = sanitizeNoteText(provenance.model);
  const temperature = provenance.temperature.toFixed(2);
  return `[[Understudy draft: model "${model}", temperature ${temperature}, seed ${provenance.seed}, ${formatDate(provenance.date)}]]`;
}

/** Note text cannot contain `]]` or an empty line, or the note would end early. */
export function sanitizeNoteText(text: string): string {
  return text
    .replace(/\]\]|\[\[/g, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

function formatDate(date: Date | string): string {
  const value = typeof date === 'string' ? new Date(date) : date;
  if (Number.isNaN(value.getTime())) return sanitizeNoteText(String(date));
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())} ${pad(value.getHours())}:${pad(value.getMinutes())}`;
}
