/** PostgreSQL result type OIDs and what they mean for CrateDB's `col_types` (cratedb.md §1.6). */

/** PostgreSQL type OID → CrateDB `col_types` id (§1.6). Arrays become `[100, inner]`. */
const OID_TO_COL_TYPE: Record<number, number> = {
  16: 3,
  18: 2,
  19: 4,
  20: 10,
  21: 8,
  23: 9,
  25: 4,
  114: 26,
  700: 7,
  701: 6,
  869: 5,
  1042: 27,
  1043: 4,
  1082: 24,
  1114: 15,
  1184: 11,
  1186: 17,
  1266: 20,
  1560: 25,
  1700: 22,
  2950: 29,
  3802: 12,
  705: 4,
};
const ARRAY_OID_TO_ELEMENT: Record<number, number> = {
  1000: 16,
  1005: 21,
  1007: 23,
  1016: 20,
  1009: 25,
  1015: 1043,
  1021: 700,
  1022: 701,
  1231: 1700,
  1115: 1114,
  1185: 1184,
  3807: 3802,
  199: 114,
  1014: 1042,
  2951: 2950,
  1041: 869,
};

export function elementOid(oid: number): number | undefined {
  return ARRAY_OID_TO_ELEMENT[oid];
}

export function colTypeForOid(oid: number): number | number[] {
  const el = ARRAY_OID_TO_ELEMENT[oid];
  if (el !== undefined) return [100, OID_TO_COL_TYPE[el] ?? 4];
  return OID_TO_COL_TYPE[oid] ?? 4;
}
