/** A store file that cannot be used as it is. The file is left untouched. */
export class StoreError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'StoreError';
  }
}
