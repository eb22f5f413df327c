/** `--name value` and bare `--flag` arguments. */
export class Args {
  private readonly values = new Map<string, string>();

  constructor(argv: readonly string[]) {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] ?? '';
      if (!arg.startsWith('--')) continue;
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        this.values.set(arg.slice(2), next);
        i++;
      } else {
        this.values.set(arg.slice(2), 'true');
      }
    }
  }

  flag(name: string): boolean {
    return this.values.get(name) === 'true';
  }

  string(name: string, fallback: string): string {
    return this.values.get(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.values.get(name);
  }

  number(name: string, fallback: number): number {
    const raw = this.values.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new Error(`--${name} needs a number, got ${raw}`);
    return n;
  }
}
