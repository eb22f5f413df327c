/** Plain labels for the sampling temperature, from safe to wild. */
const LABELS: readonly [number, string][] = [
  [0.35, 'safe'],
  [0.65, 'steady'],
  [0.95, 'balanced'],
  [1.25, 'adventurous'],
  [Number.POSITIVE_INFINITY, 'wild'],
];

export function temperatureLabel(temperature: number): string {
  return LABELS.find(([limit]) => temperature < limit)?.[1] ?? 'wild';
}
