/** A store that cannot be used as it is (a file, left untouched) or cannot be reached (a database): `file` says which. */
export class StoreError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'StoreError';
  }
}
