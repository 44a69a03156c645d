import { LABEL_FIELDS } from '../../domain/fields.js';
import { type Labels, SeriesRegistry } from '../series.js';
import { type Sql, values } from './connection.js';

/**
 * The label sets of a database several instances write: any instance may create one, so an
 * instance learns those it has not seen (refresh) before it reads rows that may carry them.
 */
export class KnownSeries {
  readonly registry = new SeriesRegistry();
  /** The highest id read from the table (ids this instance created may be higher, not all below it are known). */
  private known = 0;

  constructor(private readonly sql: Sql) {}

  /** Registers label sets other instances (or this one) created since the last look. */
  async refresh(): Promise<void> {
    const rows = await values<[number, ...string[]]>(
      this.sql,
      `SELECT id, ${LABEL_FIELDS.join(', ')} FROM series WHERE id > $1 ORDER BY id`,
      [this.known],
    );
    for (const [id, ...labels] of rows) {
      this.registry.add(id, labels);
      if (id > this.known) this.known = id;
    }
  }

  /** Label sets a committed transaction of this instance created. */
  learn(created: readonly [number, Labels][]): void {
    for (const [id, labels] of created) this.registry.add(id, labels);
  }

  labelsOf(series: number): Labels {
    return this.registry.labels(series) ?? [];
  }
}
