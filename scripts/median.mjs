// The median of a list of numbers (for an even count, the mean of the two middle values), shared by
// the benchmark scripts.
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
