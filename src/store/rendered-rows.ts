/**
 * Records as JSON text, kept for the ones read lately: a record never changes once written, so
 * its text, made once, serves every later page that shows it until the record is deleted. Pages
 * then read only their ids from the database, and rows and rendering only for records not held
 * here (docs/decisions.md, "Rendered rows"). At most `capacity`, the first rendered first out: a
 * hit is not moved to the back, which would cost two map updates per record of every page.
 *
 * A page asks only for the ids its query returned, and ids are never given again (AUTOINCREMENT,
 * also after a delete-all), so a deleted record's text can never be shown. The owner still
 * drops it when the record is deleted, and all at a wipe, to free the memory at once.
 */
export class RenderedRows {
  /** In the order they were rendered. */
  private readonly texts = new Map<number, string>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.texts.size;
  }

  get(id: number): string | undefined {
    return this.texts.get(id);
  }

  set(id: number, text: string): void {
    this.texts.set(id, text);
    if (this.texts.size > this.capacity) {
      const oldest = this.texts.keys().next().value as number;
      this.texts.delete(oldest);
    }
  }

  delete(id: number): void {
    this.texts.delete(id);
  }

  clear(): void {
    this.texts.clear();
  }
}
