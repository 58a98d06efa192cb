/** An in-memory stand-in for the app's database client. */
export interface Row {
  id: string;
  name: string;
}

const tables = new Map<string, Row[]>();
const table = (name: string): Row[] => {
  let rows = tables.get(name);
  if (rows === undefined) {
    rows = [];
    tables.set(name, rows);
  }
  return rows;
};

export const db = {
  list: (name: string, filter: { page?: number; q?: string | undefined }) =>
    table(name).filter((row) => filter.q === undefined || row.name.includes(filter.q)),
  get: (name: string, id: string) => table(name).find((row) => row.id === id) ?? null,
  count: (name: string) => table(name).length,
  create: (name: string, value: string): Row => {
    const row = { id: String(table(name).length + 1), name: value };
    table(name).push(row);
    return row;
  },
  rename: (name: string, id: string, value: string) => {
    const row = table(name).find((r) => r.id === id);
    if (row) row.name = value;
    return row ?? null;
  },
};
