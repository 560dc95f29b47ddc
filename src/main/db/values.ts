/** `(?, …), (?, …)`: the VALUES list of a statement that writes `rows` rows of `columns` values each in one call. */
export function valuesPlaceholders(columns: number, rows: number): string {
  const tuple = `(${Array<string>(columns).fill('?').join(', ')})`;
  return Array<string>(rows).fill(tuple).join(', ');
}
