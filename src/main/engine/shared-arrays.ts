/** Typed arrays over SharedArrayBuffers: the candidate worker threads read them without copying. */
export function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
}
export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8), 0, n);
}
export function sharedUint8(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(Math.max(1, n)), 0, n);
}
